# Deliberately wrong argument, block and attribute names for ProviderSchemaTest.
resource "aws_lambda_function" "x" {
  function_nam = "a"
  snap_start {
    apply_onn = "x"
  }
  dynamic "environment" {
    for_each = [1]
    content {
      variabls = {}
    }
  }
}
resource "google_cloudfunctions2_function" "y" {
  service_config {
    secret_volumes {
      versions {
        versionx = "latest"
      }
    }
  }
}
data "aws_iam_policy_document" "d" {
  statement {
    principal {
      type = "x"
    }
  }
}
output "x" {
  value = aws_sqs_queue.jobs.urll
}
output "z" {
  value = data.aws_region.current.region
}
