variable "resource_group_name" {
  description = "Resource group of the workspace and its dependencies."
  type        = string
}

variable "location" {
  description = "Azure region, e.g. westeurope."
  type        = string

  validation {
    condition     = can(regex("^[a-z]+[a-z0-9]*$", var.location))
    error_message = "location must be an Azure region name in lower case without spaces, e.g. westeurope."
  }
}

variable "name_prefix" {
  description = "Prefix of the workspace and its dependencies."
  type        = string
  default     = "mcp"

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,11}$", var.name_prefix))
    error_message = "name_prefix must be 2-12 lowercase letters or digits."
  }
}

variable "endpoint_name" {
  description = "Online endpoint name (unique in the region: it is part of the scoring URI)."
  type        = string
  default     = "mcp-llama-2-7b-chat"

  validation {
    condition     = can(regex("^[a-zA-Z][a-zA-Z0-9-]{2,31}$", var.endpoint_name))
    error_message = "endpoint_name must be 3-32 letters, digits or '-', starting with a letter."
  }
}

variable "deployment_name" {
  description = "Deployment name; the gateway sends it as azureml-model-deployment."
  type        = string
  default     = "blue"
}

variable "image_uri" {
  description = "Container image built from inference-endpoint/Dockerfile (an Azure Container Registry the workspace can pull from)."
  type        = string
}

variable "acr_id" {
  description = "Azure Container Registry holding image_uri; the endpoint's identity gets AcrPull on it. null: a registry the workspace can already pull from."
  type        = string
  default     = null
}

variable "instance_type" {
  description = "GPU VM size of the managed deployment."
  type        = string
  default     = "Standard_NC4as_T4_v3"

  validation {
    condition     = can(regex("^Standard_N[CDV][0-9A-Za-z_]+$", var.instance_type))
    error_message = "instance_type must be a GPU size (Standard_NC*, Standard_ND*, Standard_NV*)."
  }
}

variable "instance_count" {
  description = "Instances of the deployment. Managed online deployments keep at least 1 and offer no low-priority VMs; destroy the module to stop paying."
  type        = number
  default     = 1

  validation {
    condition     = var.instance_count >= 1 && var.instance_count <= 20
    error_message = "instance_count must be 1-20."
  }
}

variable "auth_mode" {
  description = "AADToken (Entra ID, no keys: the gateway's provider uses auth: entra) or Key."
  type        = string
  default     = "AADToken"

  validation {
    condition     = contains(["AADToken", "Key"], var.auth_mode)
    error_message = "auth_mode must be AADToken or Key."
  }
}

variable "invoker_principal_ids" {
  description = "Principals (e.g. the function app's identity) given 'AzureML Data Scientist' on the endpoint, to score with Entra ID tokens."
  type        = list(string)
  default     = []
}

variable "container_env" {
  description = "Settings of the endpoint container (e.g. MCP_MODEL_DIR, MCP_MAX_BATCH_SIZE)."
  type        = map(string)
  default     = {}
}

variable "context_window" {
  description = "The model's context window, published in the provider entry for the gateway."
  type        = number
  default     = 4096
}

variable "tags" {
  description = "Tags on every resource."
  type        = map(string)
  default     = {}
}
