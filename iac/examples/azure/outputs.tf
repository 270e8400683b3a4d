output "gateway_url" {
  description = "The function app's HTTP base URL (the gateway's routes hang under it)."
  value       = module.functions.gateway_url
}

output "batch_queue_url" {
  description = "Put batch job messages here."
  value       = module.functions.queue_url
}

output "batch_poison_queue_url" {
  description = "Messages that failed five dequeues."
  value       = module.functions.poison_queue_url
}

output "endpoint_scoring_uri" {
  description = "The Azure ML endpoint's scoring URI."
  value       = module.endpoint.scoring_uri
}
