# Deliberately broken: every block below has one mistake the iac check must name.
resource "aws_lambda_function" "gateway" {
  function_name = "gateway"
  role          = aws_iam_role.never_declared.arn
  filename      = var.jar_path
  handler       = "com.example.Wrong::handleRequest"
  runtime       = var.runtime
  memory_size   = var.memory

  environment {
    variables = merge(local.common, { SPRING_CLOUD_FUNCTION_DEFINITION = "gatewy" })
  }
}

resource "aws_sqs_queue" "jobs" {
  name = "mcp-batch-job"
}

resource "google_storage_bucket" "unpinned" {
  name     = "provider-not-in-versions-tf"
  location = "US"
}

output "url" {
  value = aws_lambda_function_url.missing.function_url
}
