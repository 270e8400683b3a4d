output "endpoint_name" {
  description = "SageMaker endpoint name."
  value       = aws_sagemaker_endpoint.llama.name
}

output "endpoint_arn" {
  description = "Endpoint ARN, for the gateway role's sagemaker:InvokeEndpoint grant."
  value       = aws_sagemaker_endpoint.llama.arn
}

output "invocations_url" {
  description = "The runtime URL (SigV4-signed POST) that reaches the container's /invocations."
  value       = "https://runtime.sagemaker.${data.aws_region.current.region}.amazonaws.com/endpoints/${aws_sagemaker_endpoint.llama.name}/invocations"
}

output "provider" {
  description = "This endpoint as an entry of the gateway's providers file (kind sagemaker)."
  value = {
    kind           = "sagemaker"
    region         = data.aws_region.current.region
    endpoint_name  = aws_sagemaker_endpoint.llama.name
    context_window = var.context_window
  }
}
