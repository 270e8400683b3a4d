output "gateway_url" {
  description = "The gateway (POST /v1/generate, /v1/chat/completions; GET /health)."
  value       = module.functions.gateway_url
}

output "batch_topic_id" {
  description = "Publish batch job messages here."
  value       = module.functions.topic_id
}

output "batch_dead_letter_subscription_id" {
  description = "Messages that failed every delivery."
  value       = module.functions.dead_letter_subscription_id
}

output "endpoint_raw_predict_url" {
  description = "The Vertex AI endpoint's rawPredict URL."
  value       = module.endpoint.raw_predict_url
}
