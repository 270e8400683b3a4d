output "gateway_url" {
  description = "The gateway's HTTPS URL (POST /v1/generate, /v1/chat/completions; GET /health)."
  value       = google_cloudfunctions2_function.gateway.service_config[0].uri
}

output "batch_trigger_url" {
  description = "The batch trigger's internal URL (Eventarc delivers CloudEvents here)."
  value       = google_cloudfunctions2_function.batch_trigger.service_config[0].uri
}

output "batch_eventarc_trigger" {
  description = "The Eventarc trigger feeding the batch function; its Pub/Sub subscription (eventarc-REGION-...) carries the dead-letter policy."
  value       = google_cloudfunctions2_function.batch_trigger.event_trigger[0].trigger
}

output "topic_id" {
  description = "mcp-batch-jobs: publish batch job messages (schema v1) here."
  value       = google_pubsub_topic.jobs.id
}

output "dead_letter_topic_id" {
  description = "mcp-batch-jobs-dlq."
  value       = google_pubsub_topic.dlq.id
}

output "dead_letter_subscription_id" {
  description = "mcp-batch-jobs-dlq-sub: pull failed messages from here."
  value       = google_pubsub_subscription.dlq.id
}

output "service_account_email" {
  description = "The functions' service account."
  value       = google_service_account.functions.email
}
