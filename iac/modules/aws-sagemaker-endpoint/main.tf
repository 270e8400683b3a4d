# Our endpoint container (inference-endpoint/Dockerfile: `serve`, port 8080, GET /ping,
# POST /invocations) as a SageMaker real-time endpoint on a GPU instance, with target-tracking
# autoscaling and alarms.

data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  variant = "AllTraffic"
  # ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO:TAG -> the repository's ARN, for a pull-only policy.
  ecr_parts = regex("^([0-9]{12})\\.dkr\\.ecr\\.([a-z0-9-]+)\\.[^/]+/([^:@]+)", var.image_uri)
  ecr_arn   = "arn:${data.aws_partition.current.partition}:ecr:${local.ecr_parts[1]}:${local.ecr_parts[0]}:repository/${local.ecr_parts[2]}"
  s3_parts  = var.model_data_url == null ? null : regex("^s3://([^/]+)/(.*)$", var.model_data_url)
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["sagemaker.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "endpoint" {
  name               = substr("${var.name}-sagemaker", 0, 64)
  assume_role_policy = data.aws_iam_policy_document.assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "endpoint" {
  statement {
    sid       = "PullImage"
    actions   = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"]
    resources = [local.ecr_arn]
  }
  statement {
    sid       = "EcrToken"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }
  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
    resources = ["arn:${data.aws_partition.current.partition}:logs:*:*:log-group:/aws/sagemaker/Endpoints/${var.name}*"]
  }
  statement {
    sid       = "Metrics"
    actions   = ["cloudwatch:PutMetricData"]
    resources = ["*"]
    condition {
      test     = "StringLike"
      variable = "cloudwatch:namespace"
      values   = ["/aws/sagemaker/*", "AWS/SageMaker"]
    }
  }
  dynamic "statement" {
    for_each = local.s3_parts == null ? [] : [1]
    content {
      sid       = "ModelData"
      actions   = ["s3:GetObject"]
      resources = ["arn:${data.aws_partition.current.partition}:s3:::${local.s3_parts[0]}/${local.s3_parts[1]}"]
    }
  }
}

resource "aws_iam_role_policy" "endpoint" {
  name   = "${var.name}-sagemaker"
  role   = aws_iam_role.endpoint.id
  policy = data.aws_iam_policy_document.endpoint.json
}

resource "aws_sagemaker_model" "llama" {
  name               = var.name
  execution_role_arn = aws_iam_role.endpoint.arn
  tags               = var.tags

  primary_container {
    image          = var.image_uri
    model_data_url = var.model_data_url
    environment    = merge({ MCP_DEVICE = "auto", MCP_DTYPE = "auto" }, var.container_env)
  }

  depends_on = [aws_iam_role_policy.endpoint]
}

resource "aws_sagemaker_endpoint_configuration" "llama" {
  name_prefix = "${substr(var.name, 0, 30)}-"
  tags        = var.tags

  production_variants {
    variant_name                                      = local.variant
    model_name                                        = aws_sagemaker_model.llama.name
    instance_type                                     = var.instance_type
    initial_instance_count                            = var.min_instances
    container_startup_health_check_timeout_in_seconds = 900
    model_data_download_timeout_in_seconds            = 1800
  }

  # A new configuration is created before the old one goes, so the endpoint updates in place.
  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_sagemaker_endpoint" "llama" {
  name                 = var.name
  endpoint_config_name = aws_sagemaker_endpoint_configuration.llama.name
  tags                 = var.tags
}

resource "aws_appautoscaling_target" "variant" {
  service_namespace  = "sagemaker"
  resource_id        = "endpoint/${aws_sagemaker_endpoint.llama.name}/variant/${local.variant}"
  scalable_dimension = "sagemaker:variant:DesiredInstanceCount"
  min_capacity       = var.min_instances
  max_capacity       = var.max_instances
}

resource "aws_appautoscaling_policy" "invocations" {
  name               = "${var.name}-invocations-per-instance"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.variant.service_namespace
  resource_id        = aws_appautoscaling_target.variant.resource_id
  scalable_dimension = aws_appautoscaling_target.variant.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.invocations_per_instance
    scale_in_cooldown  = 600
    scale_out_cooldown = 120

    predefined_metric_specification {
      predefined_metric_type = "SageMakerVariantInvocationsPerInstance"
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "errors_5xx" {
  alarm_name          = "${var.name}-5xx"
  alarm_description   = "The endpoint container answered 5xx (the gateway fails over, but capacity is lost)."
  namespace           = "AWS/SageMaker"
  metric_name         = "Invocation5XXErrors"
  dimensions          = { EndpointName = aws_sagemaker_endpoint.llama.name, VariantName = local.variant }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 5
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "latency" {
  alarm_name          = "${var.name}-model-latency"
  alarm_description   = "Average ModelLatency above ${var.latency_alarm_ms} ms: the variant is saturated."
  namespace           = "AWS/SageMaker"
  metric_name         = "ModelLatency"
  dimensions          = { EndpointName = aws_sagemaker_endpoint.llama.name, VariantName = local.variant }
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 2
  threshold           = var.latency_alarm_ms * 1000
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  tags                = var.tags
}
