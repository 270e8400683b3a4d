package io.mcpai.iac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Whether {@code artifacts.json} matches the build: each artifact's module pom produces that file
 * name (its {@code finalName} or plugin configuration), pulls in the Spring Cloud Function adapter
 * whose handler class Terraform names, and the function names (and Azure's queue and connection)
 * appear in the module's sources; every entry point or main class Terraform names is a source of
 * the module (GCP's implementing the functions-framework interface of its trigger kind), and
 * Azure's host.json has the route prefix the gateway URL assumes; the endpoint's Dockerfile copies
 * that jar, exposes that port and runs {@code serve}. A module not on this branch yet is skipped
 * with a message naming its pom.
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
              entryClasses(findings, repoRoot, module, where, f);
              String routePrefix = f.path("route_prefix").asText(null);
              if (routePrefix != null) {
                hostRoutePrefix(findings, repoRoot, module, where, routePrefix);
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

  /**
   * Interfaces an entry point must implement, by its artifacts.json key: the functions framework
   * picks the signature from the class, and Cloud Functions gen2 deploys an event-triggered
   * function with the CloudEvents signature.
   */
  private static final Map<String, String> ENTRY_INTERFACES =
      Map.of("http_entry_point", "HttpFunction", "queue_entry_point", "CloudEventsFunction");

  /** Each class Terraform names as an entry point or main class is a source of the module. */
  private static void entryClasses(
      List<Finding> findings, Path repoRoot, String module, String where, JsonNode f) {
    for (String key : List.of("http_entry_point", "queue_entry_point", "main_class")) {
      String cls = f.path(key).asText("");
      if (cls.isEmpty()) {
        continue;
      }
      String rel = module + "/src/main/java/" + cls.replace('.', '/') + ".java";
      Path src = repoRoot.resolve(rel);
      if (!Files.exists(src)) {
        findings.add(new Finding(rel, where + "." + key, cls, "no such class in the module"));
        continue;
      }
      String iface = ENTRY_INTERFACES.get(key);
      if (iface != null
          && !Pattern.compile("implements[^{]*\\b" + iface + "\\b").matcher(read(src)).find()) {
        findings.add(new Finding(rel, where + "." + key, cls, "does not implement " + iface));
      }
    }
  }

  /** host.json's HTTP route prefix, which the gateway URL Terraform outputs depends on. */
  private static void hostRoutePrefix(
      List<Finding> findings, Path repoRoot, String module, String where, String prefix) {
    String rel = module + "/host.json";
    Path host = repoRoot.resolve(rel);
    String actual = "api"; // the Functions host's default when host.json does not say
    if (Files.exists(host)) {
      try {
        JsonNode p =
            new ObjectMapper()
                .readTree(read(host))
                .path("extensions")
                .path("http")
                .path("routePrefix");
        if (!p.isMissingNode()) {
          actual = p.asText();
        }
      } catch (IOException e) {
        findings.add(new Finding(rel, where, "host.json", "is not JSON: " + e.getMessage()));
        return;
      }
    }
    if (!actual.equals(prefix)) {
      findings.add(
          new Finding(
              rel,
              where + ".route_prefix",
              "\"" + prefix + "\"",
              "host.json's extensions.http.routePrefix is \"" + actual + "\""));
    }
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
