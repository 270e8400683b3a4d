package io.mcpai.iac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Parses every .tf file under iac/ with HashiCorp's HCL parser (hcl2json, installed from npm into
 * iac/target/node on first run) and checks the tree; then proves the check fails, naming file,
 * block and reference, on a deliberately broken tree.
 */
class TerraformTreeTest {
  static Path iac;
  static Path repoRoot;
  static Artifacts artifacts;
  static Hcl2Json parser;

  @BeforeAll
  static void install() throws IOException {
    iac = Path.of(System.getProperty("mcp.iac.dir", ".")).toAbsolutePath().normalize();
    repoRoot = iac.getParent();
    artifacts = Artifacts.read(iac.resolve("artifacts.json"));
    parser =
        Hcl2Json.install(
            Path.of(System.getProperty("mcp.iac.node.dir", "target/node")),
            System.getProperty("mcp.iac.hcl2json.version", "0.21.0"));
  }

  @Test
  void theTerraformPassesTheCheck() throws IOException {
    TerraformTree.Report r = TerraformTree.check(iac, repoRoot, artifacts, parser);
    assertThat(r.files()).hasSizeGreaterThanOrEqualTo(40);
    assertThat(r.findings()).as("findings in iac/").isEmpty();
    // Every artifact rule compared real values: none passes by finding nothing to look at.
    assertThat(r.ruleHits())
        .containsKeys(
            "aws_lambda_function.handler",
            "aws_lambda_function.runtime",
            "aws_lambda_function.filename",
            "aws_lambda_function.environment.variables.SPRING_CLOUD_FUNCTION_DEFINITION",
            "aws_sqs_queue.name",
            "google_cloudfunctions2_function.build_config.entry_point",
            "google_cloudfunctions2_function.build_config.runtime",
            "google_cloudfunctions2_function.event_trigger.retry_policy",
            "aws_lambda_event_source_mapping.function_response_types",
            "azurerm_linux_function_app.app_settings.MAIN_CLASS",
            "google_storage_bucket_object.source",
            "google_pubsub_topic.name",
            "google_pubsub_subscription.name",
            "google_vertex_ai_endpoint_with_model_garden_deployment.model_config.container_spec.ports.container_port",
            "google_vertex_ai_endpoint_with_model_garden_deployment.model_config.container_spec.health_route",
            "google_vertex_ai_endpoint_with_model_garden_deployment.model_config.container_spec.predict_route",
            "azurerm_storage_blob.source",
            "azurerm_linux_function_app.site_config.application_stack.java_version",
            "azurerm_storage_queue.name",
            "azapi_resource.body.properties.inferenceConfig.scoringRoute.path",
            "azapi_resource.body.properties.inferenceConfig.livenessRoute.path");
    // The jar path reaches the Lambda through three examples' module inputs.
    assertThat(r.ruleHits().get("aws_lambda_function.filename")).isGreaterThanOrEqualTo(4);
  }

  /** Where a terraform binary is installed, its formatter must agree with the tree. */
  @Test
  void terraformFmtAgreesWhereInstalled() throws IOException {
    String out;
    try {
      out =
          Hcl2Json.run(
              List.of("terraform", "fmt", "-check", "-recursive", "modules", "examples"), iac, 60);
    } catch (IllegalStateException e) {
      assumeTrue(
          !e.getMessage().contains("is not on the PATH"),
          "no terraform binary: FmtCheck alone checks the layout");
      throw e;
    }
    assertThat(out).doesNotContain(".tf");
  }

  @Test
  void theExamplesAndModulesTheIssueNamesExistWithReadmes() throws IOException {
    for (String e : List.of("aws", "gcp", "azure", "multi-cloud")) {
      assertThat(iac.resolve("examples").resolve(e).resolve("main.tf")).exists();
    }
    try (Stream<Path> modules = Files.list(iac.resolve("modules"))) {
      List<Path> dirs = modules.toList();
      assertThat(dirs).hasSize(6);
      for (Path m : dirs) {
        assertThat(m.resolve("README.md")).exists();
        assertThat(m.resolve("versions.tf")).exists();
        String readme = Files.readString(m.resolve("README.md"));
        // Every variable and output is documented in the module's README.
        for (String block : List.of("variable", "output")) {
          String tf = Files.readString(m.resolve(block + "s.tf"));
          var names =
              java.util.regex.Pattern.compile(block + " \"([^\"]+)\"").matcher(tf).results();
          names.forEach(
              n ->
                  assertThat(readme)
                      .as(m.getFileName() + "/README.md documents " + block + " " + n.group(1))
                      .contains("`" + n.group(1) + "`"));
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"aws", "gcp", "azure"})
  void artifactsJsonMatchesTheBuild(String cloud) {
    String module = artifacts.text("functions." + cloud + ".build_module");
    assumeTrue(
        Files.exists(repoRoot.resolve(module).resolve("pom.xml")),
        () ->
            module
                + "/pom.xml is absent on this branch: "
                + artifacts.text("functions." + cloud + ".file")
                + " is checked once the cloud adapters are merged");
    BuildContract.Result r = BuildContract.check(repoRoot, artifacts);
    assertThat(r.findings()).filteredOn(f -> f.file().startsWith(module)).isEmpty();
  }

  @Test
  void theEndpointImageMatchesArtifactsJson() {
    BuildContract.Result r = BuildContract.check(repoRoot, artifacts);
    assertThat(r.findings())
        .filteredOn(f -> f.block().equals("endpoint") || f.file().startsWith("inference-endpoint"))
        .isEmpty();
  }

  @Test
  void aBrokenTreeFailsNamingFileBlockAndReference() throws IOException {
    Path broken = Path.of(TerraformTreeTest.class.getResource("/broken").getPath());
    Path fakeRoot = broken.getParent(); // artifact paths resolve against it
    List<Finding> f = TerraformTree.check(broken, fakeRoot, artifacts, parser).findings();
    f.forEach(System.out::println);
    String lambda = "modules/lambda/main.tf";
    String fn = "resource \"aws_lambda_function\" \"gateway\"";
    String example = "examples/e/main.tf";
    assertThat(f)
        .contains(
            // references
            new Finding(lambda, fn, "var.memory", "variable is not declared"),
            new Finding(lambda, fn, "local.common", "local is not declared"),
            new Finding(
                lambda,
                fn,
                "aws_iam_role.never_declared",
                "resource is not declared in this module"),
            new Finding(
                lambda,
                "output \"url\"",
                "aws_lambda_function_url.missing",
                "resource is not declared in this module"),
            new Finding(example, "output \"region\"", "var.region", "variable is not declared"),
            new Finding(example, "output \"region\"", "local.suffix", "local is not declared"),
            new Finding(
                example,
                "output \"region\"",
                "data.aws_region.current",
                "data source is not declared"),
            new Finding(
                example,
                "output \"gateway\"",
                "module.lambda.gateway_url",
                "module modules/lambda has no output \"gateway_url\""),
            // module calls
            new Finding(
                example,
                "module \"lambda\"",
                "colour",
                "is not a variable of module modules/lambda"),
            new Finding(
                example,
                "module \"lambda\"",
                "jar_path",
                "required variable of module modules/lambda (no default) is not given"),
            new Finding(
                example,
                "module \"nowhere\"",
                "source = \"../../modules/absent\"",
                "no .tf files at modules/absent"),
            // providers and versions
            new Finding(
                lambda,
                "resource \"google_storage_bucket\" \"unpinned\"",
                "google",
                "provider is not in modules/lambda/versions.tf required_providers"),
            new Finding("examples/e/versions.tf", "terraform", "required_version", "not pinned"),
            new Finding(
                "examples/e/versions.tf",
                "terraform",
                "required_providers.aws",
                "needs both source and version"));
    // artifact names: the handler, the runtime passed by the example, the function name in a
    // merge(), the queue name, the jar path
    assertThat(f)
        .extracting(Finding::toString)
        .anyMatch(
            s -> s.contains(fn) && s.contains("handler = \"com.example.Wrong::handleRequest\""))
        .anyMatch(s -> s.contains(fn) && s.contains("runtime = \"java11\""))
        .anyMatch(
            s -> s.contains(fn) && s.contains("SPRING_CLOUD_FUNCTION_DEFINITION = \"gatewy\""))
        .anyMatch(s -> s.contains("aws_sqs_queue") && s.contains("name = \"mcp-batch-job\""))
        .anyMatch(
            s ->
                s.startsWith(example + ": locals.jar")
                    && s.contains("functions/aws/target/mcp-functions-aws-1.0.jar"))
        // formatting
        .anyMatch(s -> s.startsWith(example + ": line 22: \\t"))
        .anyMatch(s -> s.startsWith(example + ": line 23: x = 1: '=' at column"));
    // java17 given by the example is fine: only the module's default java11 is reported
    assertThat(f).extracting(Finding::toString).noneMatch(s -> s.contains("runtime = \"java17\""));
  }

  @Test
  void aFileThatDoesNotParseIsNamed() throws IOException {
    Path dir = Path.of(TerraformTreeTest.class.getResource("/broken-syntax").getPath());
    List<Finding> f = TerraformTree.check(dir, dir, artifacts, parser).findings();
    assertThat(f)
        .anyMatch(x -> x.file().equals("unclosed.tf") && x.reason().startsWith("HCL parse error"));
  }
}
