# Two Lambdas from one shaded jar, told apart by SPRING_CLOUD_FUNCTION_DEFINITION: the gateway
# behind a Function URL, and the batch trigger fed by SQS with a dead-letter queue.

locals {
  gateway_name = "${var.name_prefix}-gateway"
  batch_name   = "${var.name_prefix}-batch-trigger"
  has_config   = length(var.providers_config) > 0

  # Settings both functions share; credentials appear only as secret ARNs. Empty values are
  # left out: an unset setting keeps the application's default.
  common_env = { for k, v in merge(
    {
      MCP_REQUEST_LOG    = "off"
      MCP_PROVIDERS_FILE = local.has_config ? "/opt/mcp/providers.yaml" : ""
    },
    { for name, arn in var.secret_arns : "${name}_SECRET_ARN" => arn },
    { MCP_API_KEYS_SECRET_ARN = var.api_keys_secret_arn == null ? "" : var.api_keys_secret_arn },
    # Hashes only (tenant:sha256:<hex>), so plain settings are safe: the gateway reads them directly.
    { MCP_API_KEYS = var.api_key_hashes },
    var.extra_env,
  ) : k => v if v != "" }
  # A function binds no socket, yet the gateway decides on auth from MCP_BIND_ADDRESS (default
  # 127.0.0.1: off without keys). A public Function URL: fail closed, keys or a 401.
  gateway_env = { MCP_AUTH = var.function_url_auth == "NONE" ? "required" : "auto" }
  secret_read_arns = concat(
    values(var.secret_arns),
    var.api_keys_secret_arn == null ? [] : [var.api_keys_secret_arn],
  )
  batch_env = { for k, v in {
    MCP_BATCH_LAUNCHER = var.batch_launcher
    MCP_BATCH_COMMAND  = var.batch_command
    MCP_BATCH_LOG_DIR  = "/tmp/mcp-batch"
  } : k => v if v != "" }
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "functions" {
  name               = "${var.name_prefix}-functions"
  assume_role_policy = data.aws_iam_policy_document.assume.json
  tags               = var.tags
}

# Least privilege: its own log groups, its own queue, the named endpoints and secrets only.
data "aws_iam_policy_document" "functions" {
  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.gateway.arn}:*", "${aws_cloudwatch_log_group.batch.arn}:*"]
  }
  statement {
    sid = "BatchQueue"
    actions = [
      "sqs:ReceiveMessage",
      "sqs:DeleteMessage",
      "sqs:GetQueueAttributes",
      "sqs:ChangeMessageVisibility",
    ]
    resources = [aws_sqs_queue.jobs.arn]
  }
  dynamic "statement" {
    for_each = length(var.sagemaker_endpoint_arns) > 0 ? [1] : []
    content {
      sid       = "InvokeEndpoints"
      actions   = ["sagemaker:InvokeEndpoint", "sagemaker:InvokeEndpointWithResponseStream"]
      resources = var.sagemaker_endpoint_arns
    }
  }
  dynamic "statement" {
    for_each = length(local.secret_read_arns) > 0 ? [1] : []
    content {
      sid       = "Secrets"
      actions   = ["secretsmanager:GetSecretValue"]
      resources = local.secret_read_arns
    }
  }
}

resource "aws_iam_role_policy" "functions" {
  name   = "${var.name_prefix}-functions"
  role   = aws_iam_role.functions.id
  policy = data.aws_iam_policy_document.functions.json
}

resource "aws_cloudwatch_log_group" "gateway" {
  name              = "/aws/lambda/${local.gateway_name}"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_cloudwatch_log_group" "batch" {
  name              = "/aws/lambda/${local.batch_name}"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

# The providers file travels as a layer: Lambda unpacks it under /opt.
data "archive_file" "providers" {
  count       = local.has_config ? 1 : 0
  type        = "zip"
  output_path = "${path.root}/.terraform/mcp-providers-layer.zip"

  source {
    content  = yamlencode({ providers = var.providers_config })
    filename = "mcp/providers.yaml"
  }
}

resource "aws_lambda_layer_version" "providers" {
  count                    = local.has_config ? 1 : 0
  layer_name               = "${var.name_prefix}-providers"
  filename                 = data.archive_file.providers[0].output_path
  source_code_hash         = data.archive_file.providers[0].output_base64sha256
  compatible_runtimes      = [var.runtime]
  compatible_architectures = [var.architecture]
}

resource "aws_lambda_function" "gateway" {
  function_name    = local.gateway_name
  role             = aws_iam_role.functions.arn
  filename         = var.jar_path
  source_code_hash = filebase64sha256(var.jar_path)
  handler          = var.handler
  runtime          = var.runtime
  architectures    = [var.architecture]
  memory_size      = var.gateway_memory_mb
  timeout          = var.gateway_timeout_s
  layers           = aws_lambda_layer_version.providers[*].arn
  publish          = true
  tags             = var.tags

  environment {
    variables = merge(local.common_env, local.gateway_env, { SPRING_CLOUD_FUNCTION_DEFINITION = "gateway" })
  }

  dynamic "snap_start" {
    for_each = var.snap_start ? [1] : []
    content {
      apply_on = "PublishedVersions"
    }
  }

  depends_on = [aws_cloudwatch_log_group.gateway, aws_iam_role_policy.functions]
}

resource "aws_lambda_alias" "gateway" {
  name             = "live"
  function_name    = aws_lambda_function.gateway.function_name
  function_version = aws_lambda_function.gateway.version
}

resource "aws_lambda_function_url" "gateway" {
  function_name      = aws_lambda_function.gateway.function_name
  qualifier          = aws_lambda_alias.gateway.name
  authorization_type = var.function_url_auth
  # The Java runtime cannot stream a response; SSE answers arrive whole.
  invoke_mode = "BUFFERED"
}

resource "aws_lambda_function" "batch_trigger" {
  function_name    = local.batch_name
  role             = aws_iam_role.functions.arn
  filename         = var.jar_path
  source_code_hash = filebase64sha256(var.jar_path)
  handler          = var.handler
  runtime          = var.runtime
  architectures    = [var.architecture]
  memory_size      = 1024
  timeout          = var.batch_timeout_s
  layers           = aws_lambda_layer_version.providers[*].arn
  publish          = true
  tags             = var.tags

  environment {
    variables = merge(local.common_env, local.batch_env, { SPRING_CLOUD_FUNCTION_DEFINITION = "batchJobTrigger" })
  }

  dynamic "snap_start" {
    for_each = var.snap_start ? [1] : []
    content {
      apply_on = "PublishedVersions"
    }
  }

  depends_on = [aws_cloudwatch_log_group.batch, aws_iam_role_policy.functions]
}

resource "aws_lambda_alias" "batch_trigger" {
  name             = "live"
  function_name    = aws_lambda_function.batch_trigger.function_name
  function_version = aws_lambda_function.batch_trigger.version
}

resource "aws_sqs_queue" "dlq" {
  name                      = "mcp-batch-jobs-dlq"
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true
  tags                      = var.tags
}

resource "aws_sqs_queue" "jobs" {
  name                       = "mcp-batch-jobs"
  visibility_timeout_seconds = 6 * var.batch_timeout_s
  message_retention_seconds  = 345600
  sqs_managed_sse_enabled    = true
  tags                       = var.tags

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
    maxReceiveCount     = var.max_receive_count
  })
}

resource "aws_sqs_queue_redrive_allow_policy" "dlq" {
  queue_url = aws_sqs_queue.dlq.id
  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.jobs.arn]
  })
}

resource "aws_lambda_event_source_mapping" "jobs" {
  event_source_arn        = aws_sqs_queue.jobs.arn
  function_name           = aws_lambda_alias.batch_trigger.arn
  batch_size              = var.batch_size
  function_response_types = ["ReportBatchItemFailures"]

  scaling_config {
    maximum_concurrency = var.batch_max_concurrency
  }
}

resource "aws_cloudwatch_metric_alarm" "gateway_errors" {
  alarm_name          = "${local.gateway_name}-errors"
  alarm_description   = "The gateway function raised errors (5xx from the runtime, not answered 4xx)."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = aws_lambda_function.gateway.function_name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 5
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "gateway_throttles" {
  alarm_name          = "${local.gateway_name}-throttles"
  alarm_description   = "Requests to the gateway were throttled: raise reserved or account concurrency."
  namespace           = "AWS/Lambda"
  metric_name         = "Throttles"
  dimensions          = { FunctionName = aws_lambda_function.gateway.function_name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "dead_letters" {
  alarm_name          = "${var.name_prefix}-batch-dead-letters"
  alarm_description   = "Batch job messages failed ${var.max_receive_count} times and sit in mcp-batch-jobs-dlq."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = aws_sqs_queue.dlq.name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "queue_age" {
  alarm_name          = "${var.name_prefix}-batch-queue-age"
  alarm_description   = "The oldest batch job message waited over 30 minutes: the trigger is failing or too slow."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateAgeOfOldestMessage"
  dimensions          = { QueueName = aws_sqs_queue.jobs.name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 2
  threshold           = 1800
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  tags                = var.tags
}
