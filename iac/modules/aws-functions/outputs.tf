output "gateway_url" {
  description = "The gateway's Function URL (POST /v1/generate, /v1/chat/completions; GET /health)."
  value       = aws_lambda_function_url.gateway.function_url
}

output "gateway_function_name" {
  description = "Name of the gateway Lambda."
  value       = aws_lambda_function.gateway.function_name
}

output "batch_trigger_function_name" {
  description = "Name of the batch trigger Lambda."
  value       = aws_lambda_function.batch_trigger.function_name
}

output "queue_url" {
  description = "URL of mcp-batch-jobs: send batch job messages (schema v1) here."
  value       = aws_sqs_queue.jobs.url
}

output "queue_arn" {
  description = "ARN of mcp-batch-jobs."
  value       = aws_sqs_queue.jobs.arn
}

output "dead_letter_queue_url" {
  description = "URL of mcp-batch-jobs-dlq."
  value       = aws_sqs_queue.dlq.url
}

output "role_arn" {
  description = "The functions' execution role."
  value       = aws_iam_role.functions.arn
}
