output "gateway_url" {
  description = "The gateway's base URL: host.json's route prefix is empty, so paths are /v1/generate, /v1/chat/completions, /health (not /api/...)."
  value       = "https://${azurerm_linux_function_app.functions.default_hostname}/"
}

output "function_app_name" {
  description = "Name of the function app."
  value       = azurerm_linux_function_app.functions.name
}

output "principal_id" {
  description = "Principal of the app's identity: grant it access to Azure ML endpoints and Key Vault."
  value       = azurerm_user_assigned_identity.app.principal_id
}

output "storage_account_name" {
  description = "Storage account holding AzureWebJobsStorage and the queues."
  value       = azurerm_storage_account.functions.name
}

output "queue_url" {
  description = "URL of mcp-batch-jobs: put batch job messages (schema v1) here."
  value       = "${azurerm_storage_account.functions.primary_queue_endpoint}${azurerm_storage_queue.jobs.name}"
}

output "poison_queue_url" {
  description = "URL of mcp-batch-jobs-poison."
  value       = "${azurerm_storage_account.functions.primary_queue_endpoint}${azurerm_storage_queue.poison.name}"
}
