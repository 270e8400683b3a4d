output "gateway_url" {
  description = "The gateway (POST /v1/generate, /v1/chat/completions; GET /health)."
  value       = module.functions.gateway_url
}

output "batch_queue_url" {
  description = "Send batch job messages here."
  value       = module.functions.queue_url
}

output "batch_dead_letter_queue_url" {
  description = "Messages that failed every delivery."
  value       = module.functions.dead_letter_queue_url
}

output "endpoint_invocations_url" {
  description = "The SageMaker endpoint's runtime URL."
  value       = module.endpoint.invocations_url
}

output "endpoint_name" {
  description = "The SageMaker endpoint's name."
  value       = module.endpoint.endpoint_name
}
