variable "aws_region" {
  description = "AWS region."
  type        = string
  default     = "us-east-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.aws_region))
    error_message = "aws_region must be an AWS region such as us-east-1."
  }
}

variable "aws_image_uri" {
  description = "ECR image of inference-endpoint/Dockerfile."
  type        = string
}

variable "aws_instance_type" {
  description = "SageMaker GPU instance type."
  type        = string
  default     = "ml.g5.2xlarge"
}

variable "gcp_project_id" {
  description = "Google Cloud project."
  type        = string
}

variable "gcp_region" {
  description = "Google Cloud region."
  type        = string
  default     = "us-central1"

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]$", var.gcp_region))
    error_message = "gcp_region must be a Google Cloud region such as us-central1."
  }
}

variable "gcp_image_uri" {
  description = "Artifact Registry image of inference-endpoint/Dockerfile."
  type        = string
}

variable "gcp_spot" {
  description = "Vertex AI replicas on Spot VMs."
  type        = bool
  default     = false
}

variable "azure_subscription_id" {
  description = "Azure subscription; null: ARM_SUBSCRIPTION_ID or the Azure CLI's current one."
  type        = string
  default     = null
}

variable "azure_location" {
  description = "Azure region."
  type        = string
  default     = "westeurope"

  validation {
    condition     = can(regex("^[a-z]+[a-z0-9]*$", var.azure_location))
    error_message = "azure_location must be an Azure region name such as westeurope."
  }
}

variable "azure_image_uri" {
  description = "ACR image of inference-endpoint/Dockerfile."
  type        = string
}

variable "azure_acr_id" {
  description = "Resource id of the ACR holding azure_image_uri (the endpoint gets AcrPull on it)."
  type        = string
  default     = null
}

variable "azure_resource_group_name" {
  description = "Resource group created on Azure."
  type        = string
  default     = "mcp-ai-service"
}
