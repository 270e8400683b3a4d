output "gateway_urls" {
  description = "Each cloud's gateway."
  value = {
    aws   = module.aws_functions.gateway_url
    gcp   = module.gcp_functions.gateway_url
    azure = module.azure_functions.gateway_url
  }
}

output "batch_queues" {
  description = "Each cloud's batch job queue or topic."
  value = {
    aws   = module.aws_functions.queue_url
    gcp   = module.gcp_functions.topic_id
    azure = module.azure_functions.queue_url
  }
}

output "endpoint_urls" {
  description = "Each cloud's inference endpoint."
  value = {
    aws   = module.aws_endpoint.invocations_url
    gcp   = module.gcp_endpoint.raw_predict_url
    azure = module.azure_endpoint.scoring_uri
  }
}

output "providers_yaml" {
  description = "MCP_PROVIDERS_FILE content routing over all three endpoints, for a gateway with credentials for all three clouds."
  value = yamlencode({
    providers = {
      aws   = module.aws_endpoint.provider
      gcp   = module.gcp_endpoint.provider
      azure = module.azure_endpoint.provider
    }
  })
}
