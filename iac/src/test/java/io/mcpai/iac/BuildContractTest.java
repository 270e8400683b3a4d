package io.mcpai.iac;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** artifacts.json against a small repository laid out like ours once the adapters are merged. */
class BuildContractTest {
  @TempDir Path repo;

  private void write(String path, String text) throws IOException {
    Path p = repo.resolve(path);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
  }

  private static String pom(String adapter, String build) {
    return "<project><dependencies><dependency><groupId>org.springframework.cloud</groupId>"
        + "<artifactId>"
        + adapter
        + "</artifactId></dependency></dependencies><build>"
        + build
        + "</build></project>";
  }

  private Artifacts artifacts() throws IOException {
    return Artifacts.read(
        Path.of(System.getProperty("mcp.iac.dir", ".")).resolve("artifacts.json"));
  }

  private void endpoint() throws IOException {
    write("inference-endpoint/pom.xml", "<finalName>mcp-inference-endpoint</finalName>");
    write(
        "inference-endpoint/Dockerfile",
        "COPY inference-endpoint/target/mcp-inference-endpoint.jar /opt/program/\n"
            + "EXPOSE 8080\nCMD [\"serve\"]\n");
  }

  private void gcpEntryPoints(String http, String queue) throws IOException {
    write(
        "functions/gcp/src/main/java/io/mcpai/functions/gcp/GcpHttpGateway.java",
        "public final class GcpHttpGateway implements " + http + " {}");
    write(
        "functions/gcp/src/main/java/io/mcpai/functions/gcp/GcpPubSubTrigger.java",
        "public final class GcpPubSubTrigger implements " + queue + " {}");
  }

  @Test
  void aMatchingBuildHasNoFindings() throws IOException {
    endpoint();
    write(
        "functions/aws/pom.xml",
        pom("spring-cloud-function-adapter-aws", "<finalName>mcp-functions-aws</finalName>"));
    write(
        "functions/gcp/pom.xml",
        pom(
            "spring-cloud-function-adapter-gcp",
            "<finalName>mcp-functions-gcp</finalName><descriptor>src/assembly/package.xml</descriptor>"));
    write(
        "functions/gcp/src/assembly/package.xml",
        "<assembly><formats><format>zip</format></formats></assembly>");
    write(
        "functions/azure/pom.xml",
        pom("spring-cloud-function-adapter-azure", "<zipName>mcp-functions-azure.zip</zipName>"));
    write(
        "functions/app/src/main/java/Beans.java",
        "class Beans { Object gateway() { return null; } Object batchJobTrigger() { return null; }"
            + " Object httpGateway() { return null; } }");
    gcpEntryPoints("HttpFunction", "CloudEventsFunction");
    write(
        "functions/azure/src/main/java/io/mcpai/functions/azure/AzureFunctions.java",
        "public class AzureFunctions {}");
    write("functions/azure/host.json", "{\"extensions\": {\"http\": {\"routePrefix\": \"\"}}}");
    write(
        "functions/azure/src/main/java/Handler.java",
        "@QueueTrigger(queueName = \"mcp-batch-jobs\", connection = \"AzureWebJobsStorage\")");
    BuildContract.Result r = BuildContract.check(repo, artifacts());
    assertThat(r.findings()).isEmpty();
    assertThat(r.skipped()).isEmpty();
  }

  @Test
  void aBuildThatDriftedIsReportedAndAMissingModuleSkipped() throws IOException {
    endpoint();
    write("inference-endpoint/Dockerfile", "COPY x.jar /\nEXPOSE 8000\nCMD [\"run\"]\n");
    write(
        "functions/aws/pom.xml",
        pom("spring-cloud-function-adapter-aws", "<finalName>mcp-aws-functions</finalName>"));
    write("functions/azure/pom.xml", pom("spring-cloud-function-adapter-web", ""));
    write("functions/azure/src/main/java/Handler.java", "@FunctionName(\"gateway\")");
    BuildContract.Result r = BuildContract.check(repo, artifacts());
    assertThat(r.findings())
        .extracting(Finding::toString)
        .anyMatch(
            s ->
                s.startsWith(
                    "functions/aws/pom.xml: functions.aws: functions/aws/target/mcp-functions-aws.jar: the pom does not produce"))
        .anyMatch(
            s ->
                s.startsWith(
                    "functions/azure/pom.xml: functions.azure: spring-cloud-function-adapter-azure: the handler's adapter is not a dependency"))
        .anyMatch(
            s ->
                s.startsWith(
                    "functions/azure/src/main/java: functions.azure.queue_function: batchJobTrigger: no Java source"))
        .anyMatch(
            s -> s.startsWith("functions/azure/src/main/java: queues.azure.queue: mcp-batch-jobs:"))
        .anyMatch(
            s ->
                s.startsWith(
                    "functions/azure/src/main/java/io/mcpai/functions/azure/AzureFunctions.java:"
                        + " functions.azure.main_class: io.mcpai.functions.azure.AzureFunctions:"
                        + " no such class"))
        .anyMatch(
            s ->
                s.equals(
                    "functions/azure/host.json: functions.azure.route_prefix: \"\":"
                        + " host.json's extensions.http.routePrefix is \"api\""))
        .anyMatch(s -> s.startsWith("inference-endpoint/Dockerfile: EXPOSE: 8080"))
        .anyMatch(s -> s.startsWith("inference-endpoint/Dockerfile: CMD: serve"))
        .anyMatch(
            s ->
                s.startsWith(
                    "inference-endpoint/Dockerfile: COPY: inference-endpoint/target/mcp-inference-endpoint.jar"));
    assertThat(r.skipped())
        .singleElement()
        .asString()
        .startsWith("functions/gcp/pom.xml is absent");
  }

  @Test
  void aGcpEntryPointOfTheWrongSignatureIsReported() throws IOException {
    endpoint();
    write(
        "functions/gcp/pom.xml",
        pom("spring-cloud-function-adapter-gcp", "<finalName>mcp-functions-gcp.zip</finalName>"));
    // The stock background-function launcher where gen2 needs a CloudEventsFunction.
    gcpEntryPoints("HttpFunction", "RawBackgroundFunction");
    BuildContract.Result r = BuildContract.check(repo, artifacts());
    assertThat(r.findings())
        .extracting(Finding::toString)
        .contains(
            "functions/gcp/src/main/java/io/mcpai/functions/gcp/GcpPubSubTrigger.java:"
                + " functions.gcp.queue_entry_point: io.mcpai.functions.gcp.GcpPubSubTrigger:"
                + " does not implement CloudEventsFunction")
        .noneMatch(s -> s.contains("GcpHttpGateway"));
  }
}
