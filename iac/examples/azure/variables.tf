variable "subscription_id" {
  description = "Azure subscription; null: ARM_SUBSCRIPTION_ID or the Azure CLI's current one."
  type        = string
  default     = null
}

variable "location" {
  description = "Azure region of every resource."
  type        = string
  default     = "westeurope"

  validation {
    condition     = can(regex("^[a-z]+[a-z0-9]*$", var.location))
    error_message = "location must be an Azure region name such as westeurope or eastus2."
  }
}

variable "resource_group_name" {
  description = "Resource group created for the system."
  type        = string
  default     = "mcp-ai-service"
}

variable "image_uri" {
  description = "Image of inference-endpoint/Dockerfile in an Azure Container Registry (REGISTRY.azurecr.io/REPO:TAG)."
  type        = string
}

variable "acr_id" {
  description = "Resource id of the ACR holding image_uri (the endpoint gets AcrPull on it)."
  type        = string
  default     = null
}

variable "instance_type" {
  description = "Azure ML GPU VM size."
  type        = string
  default     = "Standard_NC4as_T4_v3"
}

variable "plan_sku" {
  description = "Functions plan: Y1 (Consumption, scales to zero) or EP1-EP3."
  type        = string
  default     = "Y1"
}

variable "key_vault_id" {
  description = "Key Vault of provider credentials (optional)."
  type        = string
  default     = null
}

variable "key_vault_secrets" {
  description = "App setting => Key Vault secret URI, e.g. { OPENAI_API_KEY = \"https://kv.vault.azure.net/secrets/openai\" }."
  type        = map(string)
  default     = {}
}

variable "api_keys_secret_uri" {
  description = "Key Vault secret URI of the gateway's MCP_API_KEYS entries (module azure-functions; needs key_vault_id). null: the gateway answers 401."
  type        = string
  default     = null
}
