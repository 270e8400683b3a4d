package io.mcpai.iac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Argument, block and attribute names against the provider schemas (aws, google, azurerm), read
 * from the prebuilt cdktf provider packages pinned in iac/pom.xml. Opt-in, because those packages
 * are about 1 GB: {@code ./mvnw -pl iac verify -Dmcp.iac.providerSchemas=true}.
 */
class ProviderSchemaTest {
  static Path schemas;
  static Path script;

  @BeforeAll
  static void install() throws IOException {
    assumeTrue(
        Boolean.getBoolean("mcp.iac.providerSchemas"),
        "provider schema check is opt-in (~1 GB from npm): -Dmcp.iac.providerSchemas=true");
    TerraformTreeTest.install();
    schemas = Path.of(System.getProperty("mcp.iac.schemas.dir", "target/node-schemas"));
    List<String> missing = new ArrayList<>();
    for (String spec : System.getProperty("mcp.iac.schemas.packages", "").split(",")) {
      String name = spec.substring(0, spec.lastIndexOf('@'));
      Path pkg = schemas.resolve("node_modules").resolve(name).resolve("package.json");
      String version = spec.substring(spec.lastIndexOf('@') + 1);
      if (!Files.exists(pkg) || !Hcl2Json.installedVersion(pkg).equals(version)) {
        missing.add(spec);
      }
    }
    if (!missing.isEmpty()) {
      Hcl2Json.npmInstall(schemas, missing);
    }
    script = schemas.resolve("check-arguments.js");
    try (InputStream in = ProviderSchemaTest.class.getResourceAsStream("check-arguments.js")) {
      Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static String check(List<Path> files) throws IOException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "node",
                script.toAbsolutePath().toString(),
                schemas.toAbsolutePath().toString(),
                Path.of(System.getProperty("mcp.iac.node.dir", "target/node"))
                    .toAbsolutePath()
                    .toString()));
    files.forEach(f -> cmd.add(f.toAbsolutePath().toString()));
    return Hcl2Json.run(cmd, schemas, 300);
  }

  @Test
  void everyArgumentBlockAndAttributeExistsInTheProviderSchemas() throws IOException {
    String out = check(TerraformTree.tfFiles(TerraformTreeTest.iac));
    Matcher m = Pattern.compile("(\\d+) blocks, (\\d+) references, (\\d+) problems").matcher(out);
    assertThat(m.find()).as(out).isTrue();
    assertThat(Integer.parseInt(m.group(1))).as("blocks checked").isGreaterThanOrEqualTo(70);
    assertThat(Integer.parseInt(m.group(2))).as("references checked").isGreaterThanOrEqualTo(100);
    assertThat(m.group(3)).as(out).isEqualTo("0");
  }

  @Test
  void wrongNamesAreReported() throws IOException {
    Path broken =
        Path.of(ProviderSchemaTest.class.getResource("/broken-arguments/main.tf").getPath());
    String out = check(List.of(broken));
    assertThat(out)
        .contains(
            "resource \"aws_lambda_function\" \"x\": unknown argument or block \"function_nam\"")
        .contains("\"x\".snap_start: unknown argument or block \"apply_onn\"")
        .contains("dynamic \"environment\": unknown argument or block \"variabls\"")
        .contains("service_config.secret_volumes.versions: unknown argument or block \"versionx\"")
        .contains(
            "data \"aws_iam_policy_document\" \"d\".statement: unknown argument or block \"principal\"")
        .contains("aws_sqs_queue has no attribute \"urll\"")
        .contains("6 problems");
  }
}
