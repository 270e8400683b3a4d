variable "project_id" {
  description = "Google Cloud project."
  type        = string
}

variable "region" {
  description = "Vertex AI region of the endpoint."
  type        = string
  default     = "us-central1"

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]$", var.region))
    error_message = "region must be a Google Cloud region such as us-central1."
  }
}

variable "image_uri" {
  description = "Artifact Registry image built from inference-endpoint/Dockerfile (REGION-docker.pkg.dev/PROJECT/REPO/IMAGE:TAG)."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9-]+-docker\\.pkg\\.dev|(eu\\.|us\\.|asia\\.)?gcr\\.io)/.+", var.image_uri))
    error_message = "image_uri must be in Artifact Registry (*-docker.pkg.dev) or Container Registry (gcr.io): Vertex AI pulls only from these."
  }
}

variable "hugging_face_model_id" {
  description = "The model the deployment is registered as (Model Garden needs one; it also records the licence acceptance). Our container serves what MCP_MODEL_DIR points at."
  type        = string
  default     = "meta-llama/Llama-2-7b-chat-hf"
}

variable "machine_type" {
  description = "Machine type of each replica."
  type        = string
  default     = "g2-standard-8"

  validation {
    condition     = can(regex("^(g2|a2|a3|n1)-[a-z0-9-]+$", var.machine_type))
    error_message = "machine_type must be a GPU-capable family: g2, a2, a3 or n1."
  }
}

variable "accelerator_type" {
  description = "GPU type."
  type        = string
  default     = "NVIDIA_L4"

  validation {
    condition     = contains(["NVIDIA_L4", "NVIDIA_TESLA_T4", "NVIDIA_TESLA_V100", "NVIDIA_TESLA_A100", "NVIDIA_A100_80GB", "NVIDIA_H100_80GB"], var.accelerator_type)
    error_message = "accelerator_type must be one of NVIDIA_L4, NVIDIA_TESLA_T4, NVIDIA_TESLA_V100, NVIDIA_TESLA_A100, NVIDIA_A100_80GB, NVIDIA_H100_80GB."
  }
}

variable "accelerator_count" {
  description = "GPUs per replica."
  type        = number
  default     = 1
}

variable "min_replicas" {
  description = "Fewest replicas (Vertex AI dedicated resources need at least 1)."
  type        = number
  default     = 1

  validation {
    condition     = var.min_replicas >= 1
    error_message = "min_replicas must be at least 1."
  }
}

variable "max_replicas" {
  description = "Most replicas autoscaling may start."
  type        = number
  default     = 2
}

variable "gpu_duty_cycle_target" {
  description = "Accelerator duty cycle (%) that autoscaling keeps replicas at."
  type        = number
  default     = 60
}

variable "spot" {
  description = "Run replicas on Spot VMs (about 60-90% cheaper; may be preempted, and the gateway fails over)."
  type        = bool
  default     = false
}

variable "container_env" {
  description = "Settings of the endpoint container (e.g. MCP_MODEL_DIR of weights baked into the image, MCP_MAX_BATCH_SIZE)."
  type        = map(string)
  default     = {}
}

variable "context_window" {
  description = "The model's context window, published in the provider entry for the gateway."
  type        = number
  default     = 4096
}
