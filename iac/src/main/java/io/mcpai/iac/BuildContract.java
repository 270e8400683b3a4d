package io.mcpai.iac;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Whether {@code artifacts.json} matches the build: each artifact's module pom produces that file
 * name (its {@code finalName} or plugin configuration), pulls in the Spring Cloud Function adapter
 * whose handler class Terraform names, and the function names (and Azure's queue and connection)
 * appear in the module's sources; the endpoint's Dockerfile copies that jar, exposes that port and
 * runs {@code serve}. A module not on this branch yet is skipped with a message naming its pom.
 */
public final class BuildContract {
  /** The problems, and the parts that could not be checked (and why). */
  public record Result(List<Finding> findings, List<String> skipped) {}

  private BuildContract() {}

  public static Result check(Path repoRoot, Artifacts artifacts) {
    List<Finding> findings = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    JsonNode fns = artifacts.root().path("functions");
    fns.fieldNames()
        .forEachRemaining(
            cloud -> {
              JsonNode f = fns.get(cloud);
              String module = f.path("build_module").asText();
              Path pom = repoRoot.resolve(module).resolve("pom.xml");
              if (!Files.exists(pom)) {
                skipped.add(
                    module
                        + "/pom.xml is absent on this branch: "
                        + f.path("file").asText()
                        + " and its handler are not checked against the build");
                return;
              }
              String where = "functions." + cloud;
              String text = read(pom);
              // An assembly descriptor beside the pom may hold the zip format.
              producesFile(
                  findings,
                  module + "/pom.xml",
                  where,
                  text + xmlSources(repoRoot.resolve(module).resolve("src")),
                  f.path("file").asText());
              String adapter = f.path("adapter_dependency").asText("");
              if (!adapter.isEmpty()
                  && !text.contains("<artifactId>" + adapter + "</artifactId>")) {
                findings.add(
                    new Finding(
                        module + "/pom.xml",
                        where,
                        adapter,
                        "the handler's adapter is not a dependency of the module"));
              }
              String sources = javaSources(repoRoot, module, "functions/app");
              for (String key : List.of("http_function", "queue_function", "queue_connection")) {
                String name = f.path(key).asText("");
                if (!name.isEmpty()
                    && !Pattern.compile("\\b" + Pattern.quote(name) + "\\b")
                        .matcher(sources)
                        .find()) {
                  findings.add(
                      new Finding(
                          module + "/src/main/java",
                          where + "." + key,
                          name,
                          "no Java source of " + module + " or functions/app names it"));
                }
              }
              String queue = artifacts.root().path("queues").path(cloud).path("queue").asText();
              if (cloud.equals("azure") && !sources.contains("\"" + queue + "\"")) {
                // Azure binds the trigger to its queue in code; the other clouds in Terraform.
                findings.add(
                    new Finding(
                        module + "/src/main/java",
                        "queues.azure.queue",
                        queue,
                        "the queue trigger's queue name is not in the module's sources"));
              }
            });
    JsonNode ep = artifacts.root().path("endpoint");
    String module = ep.path("build_module").asText();
    Path pom = repoRoot.resolve(module).resolve("pom.xml");
    if (!Files.exists(pom)) {
      skipped.add(module + "/pom.xml is absent: the endpoint jar is not checked");
    } else {
      producesFile(findings, module + "/pom.xml", "endpoint", read(pom), ep.path("file").asText());
    }
    Path dockerfile = repoRoot.resolve(ep.path("dockerfile").asText());
    if (!Files.exists(dockerfile)) {
      findings.add(
          new Finding(ep.path("dockerfile").asText(), "endpoint", "dockerfile", "is absent"));
    } else {
      String d = read(dockerfile);
      String df = ep.path("dockerfile").asText();
      if (!d.contains(ep.path("file").asText())) {
        findings.add(
            new Finding(df, "COPY", ep.path("file").asText(), "the image does not copy this jar"));
      }
      if (!Pattern.compile("(?m)^EXPOSE\\s+" + ep.path("port").asInt() + "\\b").matcher(d).find()) {
        findings.add(
            new Finding(
                df, "EXPOSE", ep.path("port").asText(), "the image does not expose this port"));
      }
      if (!d.contains("\"" + ep.path("command").asText() + "\"")) {
        findings.add(
            new Finding(
                df, "CMD", ep.path("command").asText(), "the image does not run this command"));
      }
    }
    return new Result(findings, skipped);
  }

  /** The pom names the file, or its base name as finalName (a zip also needs a zip format). */
  private static void producesFile(
      List<Finding> findings, String pomName, String where, String pom, String file) {
    String name = Path.of(file).getFileName().toString();
    String base = name.substring(0, name.lastIndexOf('.'));
    String ext = name.substring(name.lastIndexOf('.') + 1);
    boolean named = pom.contains(name);
    boolean finalName =
        Pattern.compile(
                "<(finalName|outputFile|destFile|zipName)>[^<]*\\b" + Pattern.quote(base) + "\\b")
            .matcher(pom)
            .find();
    boolean format = ext.equals("jar") || pom.contains(">" + ext + "<") || pom.contains("." + ext);
    if (!named && !(finalName && format)) {
      findings.add(
          new Finding(
              pomName,
              where,
              file,
              "the pom does not produce "
                  + name
                  + " (no finalName "
                  + base
                  + " with a "
                  + ext
                  + " packaging)"));
    }
  }

  private static String xmlSources(Path dir) {
    if (!Files.isDirectory(dir)) {
      return "";
    }
    StringBuilder all = new StringBuilder();
    try (Stream<Path> files = Files.walk(dir)) {
      files
          .filter(p -> p.toString().endsWith(".xml") && !p.toString().contains("/test/"))
          .forEach(p -> all.append(read(p)).append('\n'));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return all.toString();
  }

  private static String javaSources(Path repoRoot, String... modules) {
    StringBuilder all = new StringBuilder();
    for (String m : modules) {
      Path src = repoRoot.resolve(m).resolve("src/main/java");
      if (!Files.isDirectory(src)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(src)) {
        files
            .filter(p -> p.toString().endsWith(".java"))
            .forEach(p -> all.append(read(p)).append('\n'));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return all.toString();
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
