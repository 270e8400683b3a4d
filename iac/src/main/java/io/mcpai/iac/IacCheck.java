package io.mcpai.iac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.mcpai.iac.References.Ref;
import io.mcpai.iac.TfModule.Block;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code terraform validate} would catch without provider schemas, plus the project's own
 * contract, over hcl2json's parse of a tree of modules: every {@code var.}, {@code local.}, {@code
 * module.}, {@code data.} and resource reference resolves in its module; every module input is a
 * variable of the called module and every required one is given; every provider used is pinned in
 * the module's {@code versions.tf}; and the handlers, entry points, function names, queue names,
 * container routes and artifact paths equal those in {@code artifacts.json}.
 */
public final class IacCheck {
  /** The findings, and how many resolved values each artifact rule compared (its coverage). */
  public record Result(List<Finding> findings, Map<String, Integer> ruleHits) {}

  private static final Set<String> MODULE_META =
      Set.of("source", "version", "providers", "count", "for_each", "depends_on");

  /** Provider prefixes known whether or not a module pins them, so a missing pin is reported. */
  private static final Set<String> KNOWN_PROVIDERS =
      Set.of(
          "aws",
          "google",
          "azurerm",
          "azapi",
          "azuread",
          "random",
          "archive",
          "local",
          "null",
          "time",
          "tls",
          "http",
          "external",
          "terraform");

  private static final Pattern WHOLE_VAR = Pattern.compile("^\\$\\{var\\.([A-Za-z_][\\w-]*)\\}$");
  private static final Pattern WHOLE_LOCAL =
      Pattern.compile("^\\$\\{local\\.([A-Za-z_][\\w-]*)\\}$");
  private static final Pattern MODULE_PATH =
      Pattern.compile("^\\$\\{path\\.(module|root)\\}/(.*)$");
  private static final Pattern ARTIFACT_LIKE =
      Pattern.compile("([\\w./${}-]*target/[\\w.-]+\\.(?:jar|zip))");

  private static final Set<String> PROSE =
      Set.of("description", "error_message", "alarm_description");

  /** A value an attribute can take, with where it was written (for the message). */
  private record Value(String text, boolean isPath, Path baseDir, String file, String block) {}

  /** A resource attribute whose every resolvable value must be one of the allowed ones. */
  private record Rule(
      String type,
      String path,
      boolean required,
      boolean isPath,
      Function<Artifacts, Set<String>> allowed) {
    String key() {
      return type + "." + path;
    }
  }

  private static final List<Rule> RULES =
      List.of(
          rule("aws_lambda_function", "handler", true, a -> a.texts("functions.aws.handler")),
          rule("aws_lambda_function", "runtime", true, a -> a.texts("functions.aws.runtime")),
          pathRule("aws_lambda_function", "filename", a -> a.texts("functions.aws.file")),
          rule(
              "aws_lambda_function",
              "environment.variables.SPRING_CLOUD_FUNCTION_DEFINITION",
              true,
              a -> a.texts("functions.aws.http_function", "functions.aws.queue_function")),
          rule(
              "aws_lambda_event_source_mapping",
              "function_response_types",
              true,
              a -> a.texts("functions.aws.queue_response_types")),
          rule(
              "aws_sqs_queue",
              "name",
              false,
              a -> a.texts("queues.aws.queue", "queues.aws.dead_letter")),
          // Which of the two is right for which function is checkGcpEntryPoints's business.
          rule(
              "google_cloudfunctions2_function",
              "build_config.entry_point",
              true,
              a -> a.texts("functions.gcp.http_entry_point", "functions.gcp.queue_entry_point")),
          rule(
              "google_cloudfunctions2_function",
              "build_config.runtime",
              true,
              a -> a.texts("functions.gcp.runtime")),
          rule(
              "google_cloudfunctions2_function",
              "event_trigger.retry_policy",
              false,
              a -> a.texts("functions.gcp.queue_retry_policy")),
          pathRule("google_storage_bucket_object", "source", a -> a.texts("functions.gcp.file")),
          rule(
              "google_pubsub_topic",
              "name",
              false,
              a -> a.texts("queues.gcp.topic", "queues.gcp.dead_letter")),
          rule(
              "google_pubsub_subscription",
              "name",
              false,
              a -> a.texts("queues.gcp.dead_letter_subscription")),
          rule(
              "google_vertex_ai_endpoint_with_model_garden_deployment",
              "model_config.container_spec.ports.container_port",
              true,
              a -> a.texts("endpoint.port")),
          rule(
              "google_vertex_ai_endpoint_with_model_garden_deployment",
              "model_config.container_spec.health_route",
              true,
              a -> a.texts("endpoint.health_route")),
          rule(
              "google_vertex_ai_endpoint_with_model_garden_deployment",
              "model_config.container_spec.predict_route",
              true,
              a -> a.texts("endpoint.predict_route")),
          pathRule("azurerm_storage_blob", "source", a -> a.texts("functions.azure.file")),
          rule(
              "azurerm_linux_function_app",
              "site_config.application_stack.java_version",
              true,
              a -> a.texts("functions.azure.runtime")),
          rule(
              "azurerm_linux_function_app",
              "app_settings.MAIN_CLASS",
              true,
              a -> a.texts("functions.azure.main_class")),
          rule(
              "azurerm_storage_queue",
              "name",
              false,
              a -> a.texts("queues.azure.queue", "queues.azure.poison")),
          rule(
              "azapi_resource",
              "body.properties.inferenceConfig.scoringRoute.path",
              false,
              a -> a.texts("endpoint.predict_route")),
          rule(
              "azapi_resource",
              "body.properties.inferenceConfig.livenessRoute.path",
              false,
              a -> a.texts("endpoint.health_route")),
          rule(
              "azapi_resource",
              "body.properties.inferenceConfig.readinessRoute.path",
              false,
              a -> a.texts("endpoint.health_route")),
          rule(
              "azapi_resource",
              "body.properties.inferenceConfig.scoringRoute.port",
              false,
              a -> a.texts("endpoint.port")));

  private static Rule rule(
      String type, String path, boolean required, Function<Artifacts, Set<String>> allowed) {
    return new Rule(type, path, required, false, allowed);
  }

  private static Rule pathRule(String type, String path, Function<Artifacts, Set<String>> allowed) {
    return new Rule(type, path, true, true, allowed);
  }

  private final Path tree;
  private final Path repoRoot;
  private final Artifacts artifacts;
  private final Map<Path, TfModule> modules = new TreeMap<>();

  /** For each module, the module blocks that call it (caller module, block). */
  private final Map<Path, List<Map.Entry<TfModule, Block>>> callers = new LinkedHashMap<>();

  private final List<Finding> findings = new ArrayList<>();
  private final Map<String, Integer> ruleHits = new TreeMap<>();

  private IacCheck(Path tree, Path repoRoot, Artifacts artifacts) {
    this.tree = tree.toAbsolutePath().normalize();
    this.repoRoot = repoRoot.toAbsolutePath().normalize();
    this.artifacts = artifacts;
  }

  /**
   * Checks the modules in {@code parsed} (hcl2json output by file) under {@code tree}; artifact
   * paths are compared relative to {@code repoRoot}.
   */
  public static Result check(
      Path tree, Path repoRoot, Map<Path, JsonNode> parsed, Artifacts artifacts) {
    IacCheck c = new IacCheck(tree, repoRoot, artifacts);
    c.load(parsed);
    c.run();
    c.findings.sort(Comparator.comparing(Finding::file).thenComparing(Finding::block));
    return new Result(List.copyOf(c.findings), Map.copyOf(c.ruleHits));
  }

  private String rel(Path p) {
    return tree.relativize(p.toAbsolutePath().normalize()).toString();
  }

  private void load(Map<Path, JsonNode> parsed) {
    parsed.forEach(
        (file, json) -> {
          Path abs = file.toAbsolutePath().normalize();
          if (json == null || json.has("__parse_error")) {
            findings.add(
                new Finding(
                    rel(abs),
                    "(file)",
                    "(syntax)",
                    "HCL parse error: "
                        + (json == null ? "no output" : json.get("__parse_error").asText())));
            return;
          }
          Path dir = abs.getParent();
          modules.computeIfAbsent(dir, d -> new TfModule(d, rel(d))).add(rel(abs), json);
        });
  }

  private void run() {
    for (TfModule m : modules.values()) {
      findings.addAll(m.duplicates);
      for (Block call : m.modules.values()) {
        linkCall(m, call);
      }
    }
    for (TfModule m : modules.values()) {
      checkVersions(m);
      for (Block b : m.all()) {
        checkReferences(m, b);
      }
      for (Block b : m.resources.values()) {
        checkProvider(m, b, b.label().split("\"")[1]);
      }
      for (Block b : m.data.values()) {
        checkProvider(m, b, b.label().split("\"")[1]);
      }
      for (String p : m.providers.keySet()) {
        String local = p.split("\\.")[0];
        if (!m.requiredProviders.containsKey(local)) {
          Block b = m.providers.get(p);
          findings.add(
              new Finding(
                  b.file(), b.label(), local, "provider is not in versions.tf required_providers"));
        }
      }
      for (Block o : m.outputs.values()) {
        if (!o.body().has("value")) {
          findings.add(new Finding(o.file(), o.label(), "value", "output has no value"));
        }
      }
      checkArtifactPaths(m);
    }
    for (Rule r : RULES) {
      applyRule(r);
    }
    checkGcpEntryPoints();
  }

  /**
   * On Cloud Functions gen2 a function with an {@code event_trigger} is deployed with the
   * CloudEvents signature, one without it as HTTP: each needs the entry point of its kind (a swap
   * deploys fine and fails on the first request).
   */
  private void checkGcpEntryPoints() {
    for (TfModule m : modules.values()) {
      for (Map.Entry<String, Block> e : m.resources.entrySet()) {
        if (!e.getKey().startsWith("google_cloudfunctions2_function.")) {
          continue;
        }
        Block b = e.getValue();
        // A block or a dynamic block of that name (hcl2json nests the latter under "dynamic").
        boolean event = b.body().toString().contains("\"event_trigger\"");
        String expected =
            artifacts.text(
                event ? "functions.gcp.queue_entry_point" : "functions.gcp.http_entry_point");
        List<JsonNode> leaves = new ArrayList<>();
        navigate(b.body(), new String[] {"build_config", "entry_point"}, 0, leaves);
        for (JsonNode leaf : leaves) {
          for (Value v : resolve(m, leaf, b, 0)) {
            if (!v.text().equals(expected)) {
              findings.add(
                  new Finding(
                      b.file(),
                      b.label(),
                      "build_config.entry_point = \"" + v.text() + "\"",
                      (event ? "a function with an event_trigger" : "an HTTP function")
                          + " needs entry point "
                          + expected
                          + " (iac/artifacts.json)"));
            }
          }
        }
      }
    }
  }

  private void linkCall(TfModule caller, Block call) {
    String source = call.body().path("source").asText("");
    if (!(source.startsWith("./") || source.startsWith("../"))) {
      return; // a registry or git module: its variables are not in this tree
    }
    Path target = caller.dir.resolve(source).normalize();
    TfModule callee = modules.get(target);
    if (callee == null) {
      findings.add(
          new Finding(
              call.file(),
              call.label(),
              "source = \"" + source + "\"",
              "no .tf files at " + rel(target)));
      return;
    }
    callers.computeIfAbsent(target, t -> new ArrayList<>()).add(Map.entry(caller, call));
    call.body()
        .fieldNames()
        .forEachRemaining(
            input -> {
              if (!MODULE_META.contains(input) && !callee.variables.containsKey(input)) {
                findings.add(
                    new Finding(
                        call.file(),
                        call.label(),
                        input,
                        "is not a variable of module " + callee.name));
              }
            });
    callee.variables.forEach(
        (name, v) -> {
          if (TfModule.required(v) && !call.body().has(name)) {
            findings.add(
                new Finding(
                    call.file(),
                    call.label(),
                    name,
                    "required variable of module " + callee.name + " (no default) is not given"));
          }
        });
  }

  private void checkVersions(TfModule m) {
    if (m.terraformBlocks.stream().noneMatch(t -> t.file().endsWith("versions.tf"))) {
      findings.add(
          new Finding(
              m.name + "/versions.tf",
              "terraform",
              "required_providers",
              "module has no versions.tf"));
      return;
    }
    for (Block t : m.terraformBlocks) {
      if (t.file().endsWith("versions.tf") && !t.body().has("required_version")) {
        findings.add(new Finding(t.file(), "terraform", "required_version", "not pinned"));
      }
    }
    m.requiredProviders.forEach(
        (name, spec) -> {
          if (!spec.has("source") || !spec.has("version")) {
            findings.add(
                new Finding(
                    m.name + "/versions.tf",
                    "terraform",
                    "required_providers." + name,
                    "needs both source and version"));
          }
        });
  }

  private Set<String> providerPrefixes() {
    Set<String> p = new LinkedHashSet<>(KNOWN_PROVIDERS);
    modules.values().forEach(m -> p.addAll(m.requiredProviders.keySet()));
    return p;
  }

  private void checkReferences(TfModule m, Block b) {
    for (Ref r : References.in(b.body(), providerPrefixes())) {
      String problem =
          switch (r.kind()) {
            case "var" -> m.variables.containsKey(r.name()) ? null : "variable is not declared";
            case "local" -> m.locals.containsKey(r.name()) ? null : "local is not declared";
            case "data" ->
                m.data.containsKey(r.type() + "." + r.name())
                    ? null
                    : "data source is not declared";
            case "resource" ->
                m.resources.containsKey(r.type() + "." + r.name())
                    ? null
                    : "resource is not declared in this module";
            case "module" -> moduleProblem(m, r);
            default -> null;
          };
      if (problem != null) {
        findings.add(new Finding(b.file(), b.label(), r.text(), problem));
      }
    }
  }

  private String moduleProblem(TfModule m, Ref r) {
    Block call = m.modules.get(r.name());
    if (call == null) {
      return "module is not declared";
    }
    if (r.attr().isEmpty()) {
      return null;
    }
    String source = call.body().path("source").asText("");
    TfModule callee = modules.get(m.dir.resolve(source).normalize());
    if (callee == null || callee.outputs.containsKey(r.attr())) {
      return null;
    }
    return "module " + callee.name + " has no output \"" + r.attr() + "\"";
  }

  private void checkProvider(TfModule m, Block b, String type) {
    String local;
    JsonNode meta = b.body().get("provider");
    if (meta != null && meta.isTextual()) {
      local = meta.asText().replaceAll("^\\$\\{|\\}$", "").split("\\.")[0];
    } else {
      local = type.substring(0, type.indexOf('_') < 0 ? type.length() : type.indexOf('_'));
    }
    if (!local.equals("terraform") && !m.requiredProviders.containsKey(local)) {
      findings.add(
          new Finding(
              b.file(),
              b.label(),
              local,
              "provider is not in " + m.name + "/versions.tf required_providers"));
    }
  }

  /** Any string that names a build output (…/target/x.jar|zip) must be one of artifacts.json's. */
  private void checkArtifactPaths(TfModule m) {
    Set<String> known = artifacts.files();
    for (Block b : m.all()) {
      List<String> texts = new ArrayList<>();
      collectStrings(b.body(), texts);
      for (String t : texts) {
        Matcher am = ARTIFACT_LIKE.matcher(t);
        while (am.find()) {
          String written = am.group(1);
          Matcher pm = MODULE_PATH.matcher(written);
          String relative = pm.matches() ? pm.group(2) : written;
          if (relative.contains("${")) {
            continue;
          }
          String resolved = repoPath(m.dir, relative);
          if (!known.contains(resolved)) {
            findings.add(
                new Finding(
                    b.file(),
                    b.label(),
                    "\"" + written + "\"",
                    "names "
                        + resolved
                        + ", which is not an artifact in iac/artifacts.json "
                        + known));
          }
        }
      }
    }
  }

  private String repoPath(Path base, String relative) {
    Path p = base.resolve(relative).normalize();
    return p.startsWith(repoRoot) ? repoRoot.relativize(p).toString() : p.toString();
  }

  /** The string values under {@code n}, leaving out prose (descriptions, error messages). */
  private static void collectStrings(JsonNode n, List<String> out) {
    if (n.isTextual()) {
      out.add(n.asText());
    } else if (n.isArray()) {
      n.forEach(c -> collectStrings(c, out));
    } else if (n.isObject()) {
      n.fields()
          .forEachRemaining(
              e -> {
                if (!PROSE.contains(e.getKey())) {
                  collectStrings(e.getValue(), out);
                }
              });
    }
  }

  private void applyRule(Rule r) {
    Set<String> allowed = r.allowed().apply(artifacts);
    for (TfModule m : modules.values()) {
      for (Map.Entry<String, Block> e : m.resources.entrySet()) {
        if (!e.getKey().startsWith(r.type() + ".")) {
          continue;
        }
        Block b = e.getValue();
        List<JsonNode> leaves = new ArrayList<>();
        navigate(b.body(), r.path().split("\\."), 0, leaves);
        if (leaves.isEmpty()) {
          if (r.required()) {
            findings.add(
                new Finding(
                    b.file(),
                    b.label(),
                    r.path(),
                    "is not set (iac/artifacts.json expects " + allowed + ")"));
          }
          continue;
        }
        for (JsonNode leaf : leaves) {
          for (Value v : resolve(m, leaf, b, 0)) {
            String actual = v.isPath() || r.isPath() ? repoPath(v.baseDir(), v.text()) : v.text();
            ruleHits.merge(r.key(), 1, Integer::sum);
            if (!allowed.contains(actual)) {
              String where =
                  v.block().equals(b.label()) ? "" : " (via " + v.file() + " " + v.block() + ")";
              findings.add(
                  new Finding(
                      b.file(),
                      b.label(),
                      r.path() + " = \"" + actual + "\"",
                      "does not match iac/artifacts.json: expected one of " + allowed + where));
            }
          }
        }
      }
    }
  }

  /** Follows a dotted path through objects and through block lists (arrays). */
  private static void navigate(JsonNode n, String[] path, int i, List<JsonNode> out) {
    if (n == null || n.isMissingNode() || n.isNull()) {
      return;
    }
    if (n.isArray()) {
      n.forEach(e -> navigate(e, path, i, out));
      return;
    }
    if (i == path.length) {
      out.add(n);
      return;
    }
    if (n.isObject()) {
      navigate(n.get(path[i]), path, i + 1, out);
    } else if (n.isTextual() && i == path.length - 1) {
      // An object written inside an expression, e.g. merge(local.env, { KEY = "value" }).
      Matcher m =
          Pattern.compile(
                  "(?<![\\w.])"
                      + Pattern.quote(path[i])
                      + "\\s*=\\s*(\"(?:[^\"\\\\]|\\\\.)*\"|[\\w.]+)")
              .matcher(n.asText());
      while (m.find()) {
        String v = m.group(1);
        out.add(
            TextNode.valueOf(
                v.startsWith("\"")
                    ? v.substring(1, v.length() - 1)
                    : v.matches("-?[0-9.]+") ? v : "${" + v + "}"));
      }
    }
  }

  /**
   * The literal values an expression can take, following {@code var.x} to its default and to the
   * values every caller passes, and {@code local.x} to its value. Other expressions are not
   * evaluated (they contribute nothing).
   */
  private List<Value> resolve(TfModule m, JsonNode n, Block where, int depth) {
    List<Value> out = new ArrayList<>();
    if (n == null || depth > 16) {
      return out;
    }
    if (n.isNumber() || n.isBoolean()) {
      out.add(new Value(n.asText(), false, m.dir, where.file(), where.label()));
      return out;
    }
    if (!n.isTextual()) {
      return out;
    }
    String s = n.asText();
    Matcher var = WHOLE_VAR.matcher(s);
    Matcher local = WHOLE_LOCAL.matcher(s);
    Matcher path = MODULE_PATH.matcher(s);
    if (var.matches()) {
      Block v = m.variables.get(var.group(1));
      if (v != null && v.body().has("default")) {
        out.addAll(resolve(m, v.body().get("default"), v, depth + 1));
      }
      for (Map.Entry<TfModule, Block> c : callers.getOrDefault(m.dir, List.of())) {
        JsonNode given = c.getValue().body().get(var.group(1));
        out.addAll(resolve(c.getKey(), given, c.getValue(), depth + 1));
      }
    } else if (local.matches()) {
      Block l = m.locals.get(local.group(1));
      if (l != null) {
        out.addAll(resolve(m, l.body(), l, depth + 1));
      }
    } else if (path.matches() && !path.group(2).contains("${")) {
      out.add(new Value(path.group(2), true, m.dir, where.file(), where.label()));
    } else if (!s.contains("${")) {
      out.add(new Value(s.replace("$${", "${"), false, m.dir, where.file(), where.label()));
    }
    return out;
  }
}
