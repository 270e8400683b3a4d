variable "project_id" {
  description = "Google Cloud project."
  type        = string
}

variable "region" {
  description = "Region of the functions and the Vertex AI endpoint."
  type        = string
  default     = "us-central1"

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]$", var.region))
    error_message = "region must be a Google Cloud region such as us-central1."
  }
}

variable "image_uri" {
  description = "Artifact Registry image of inference-endpoint/Dockerfile."
  type        = string
}

variable "machine_type" {
  description = "Vertex AI machine type."
  type        = string
  default     = "g2-standard-8"
}

variable "accelerator_type" {
  description = "Vertex AI GPU type."
  type        = string
  default     = "NVIDIA_L4"
}

variable "spot" {
  description = "Endpoint replicas on Spot VMs."
  type        = bool
  default     = false
}

variable "gateway_min_instances" {
  description = "Warm gateway instances; 0 scales to zero."
  type        = number
  default     = 0
}

variable "allow_unauthenticated" {
  description = "Public gateway (allUsers may invoke)."
  type        = bool
  default     = false
}

variable "api_keys_secret" {
  description = "Secret Manager secret id of the gateway's API keys file (module gcp-functions); give it with allow_unauthenticated. null: none."
  type        = string
  default     = null
}
