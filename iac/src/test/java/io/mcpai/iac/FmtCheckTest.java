package io.mcpai.iac;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FmtCheckTest {
  @Test
  void acceptsTerraformFmtOutput() {
    String ok =
        """
        resource "aws_sqs_queue" "jobs" {
          name                       = "mcp-batch-jobs"
          visibility_timeout_seconds = 60

          redrive_policy = jsonencode({
            maxReceiveCount = 5
          })
          tags = {
            a = "b"
          }
        }

        locals {
          env = { for k, v in merge(
            {
              a    = 1
              long = 2
            },
            var.extra,
          ) : k => v if v != "" }
          b = 1
        }
        """;
    assertThat(FmtCheck.check("ok.tf", ok)).isEmpty();
  }

  @Test
  void reportsTabsIndentAndUnalignedEquals() {
    String bad =
        """
        resource "aws_sqs_queue" "jobs" {
          name = "mcp-batch-jobs"
          visibility_timeout_seconds = 60
           delay_seconds = 0
        \tfifo_queue = false
        }
        """;
    assertThat(FmtCheck.check("bad.tf", bad))
        .extracting(Finding::toString)
        .anyMatch(s -> s.startsWith("bad.tf: line 2: name = \"mcp-batch-jobs\": '=' at column 8"))
        .anyMatch(s -> s.startsWith("bad.tf: line 4: indent 3"))
        .anyMatch(s -> s.startsWith("bad.tf: line 5: \\t"));
  }
}
