# Our endpoint container on a Vertex AI endpoint with GPUs.
#
# Why this resource: the Google provider can create an empty endpoint
# (google_vertex_ai_endpoint) but has no resource that uploads a model and deploys it there;
# google_vertex_ai_endpoint_with_model_garden_deployment does both in one step and takes a
# container_spec, so our image, port and routes replace Model Garden's serving container. It
# needs a model id to register (the Hugging Face id of LLaMA 2, which also records the licence
# acceptance); the weights our container serves are the ones MCP_MODEL_DIR names (bake them into
# the image). It cannot be imported and is replaced on change.

resource "google_project_service" "aiplatform" {
  project            = var.project_id
  service            = "aiplatform.googleapis.com"
  disable_on_destroy = false
}

resource "google_vertex_ai_endpoint_with_model_garden_deployment" "llama" {
  project               = var.project_id
  location              = var.region
  hugging_face_model_id = var.hugging_face_model_id

  model_config {
    accept_eula        = true
    model_display_name = "mcp-llama-2-7b-chat"

    container_spec {
      image_uri     = var.image_uri
      args          = ["serve"]
      health_route  = "/ping"
      predict_route = "/invocations"

      ports {
        container_port = 8080
      }

      dynamic "env" {
        for_each = merge({ MCP_DEVICE = "auto" }, var.container_env)
        content {
          name  = env.key
          value = env.value
        }
      }
    }
  }

  deploy_config {
    dedicated_resources {
      min_replica_count = var.min_replicas
      max_replica_count = var.max_replicas
      spot              = var.spot

      machine_spec {
        machine_type      = var.machine_type
        accelerator_type  = var.accelerator_type
        accelerator_count = var.accelerator_count
      }

      autoscaling_metric_specs {
        metric_name = "aiplatform.googleapis.com/prediction/online/accelerator/duty_cycle"
        target      = var.gpu_duty_cycle_target
      }
    }
  }

  depends_on = [google_project_service.aiplatform]
}
