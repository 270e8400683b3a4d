output "endpoint_id" {
  description = "Vertex AI endpoint id."
  value       = google_vertex_ai_endpoint_with_model_garden_deployment.llama.endpoint
}

output "deployed_model_id" {
  description = "Id of our model deployed on the endpoint."
  value       = google_vertex_ai_endpoint_with_model_garden_deployment.llama.deployed_model_id
}

output "raw_predict_url" {
  description = "rawPredict URL (OAuth bearer token): Vertex AI forwards the body to the container's /invocations."
  value       = "https://${var.region}-aiplatform.googleapis.com/v1/projects/${var.project_id}/locations/${var.region}/endpoints/${google_vertex_ai_endpoint_with_model_garden_deployment.llama.endpoint}:rawPredict"
}

output "provider" {
  description = "This endpoint as an entry of the gateway's providers file (kind vertex)."
  value = {
    kind           = "vertex"
    region         = var.region
    project        = var.project_id
    endpoint_id    = google_vertex_ai_endpoint_with_model_garden_deployment.llama.endpoint
    context_window = var.context_window
  }
}
