output "scoring_uri" {
  description = "The endpoint's scoring URI (POST, Entra ID bearer token or key): reaches the container's /invocations."
  value       = azapi_resource.endpoint.output.properties.scoringUri
}

output "endpoint_id" {
  description = "ARM id of the online endpoint."
  value       = azapi_resource.endpoint.id
}

output "workspace_name" {
  description = "Azure ML workspace name."
  value       = azurerm_machine_learning_workspace.ml.name
}

output "provider" {
  description = "This endpoint as an entry of the gateway's providers file (kind azureml)."
  value = {
    kind           = "azureml"
    endpoint       = azapi_resource.endpoint.output.properties.scoringUri
    deployment     = var.deployment_name
    auth           = var.auth_mode == "AADToken" ? "entra" : "key"
    context_window = var.context_window
  }
}
