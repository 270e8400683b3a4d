variable "resource_group_name" {
  description = "Resource group of every resource."
  type        = string
}

variable "location" {
  description = "Azure region, e.g. westeurope."
  type        = string

  validation {
    condition     = can(regex("^[a-z]+[a-z0-9]*$", var.location))
    error_message = "location must be an Azure region name in lower case without spaces, e.g. westeurope or eastus2."
  }
}

variable "name_prefix" {
  description = "Prefix of the function app, plan and identity; the storage account adds a random suffix."
  type        = string
  default     = "mcp"

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,11}$", var.name_prefix))
    error_message = "name_prefix must be 2-12 lowercase letters or digits (it is part of a storage account name)."
  }
}

variable "zip_path" {
  description = "The functions package (functions/azure/target/mcp-functions-azure.zip)."
  type        = string
}

variable "java_version" {
  description = "Java of the function app."
  type        = string
  default     = "17"

  validation {
    condition     = contains(["17", "21"], var.java_version)
    error_message = "java_version must be 17 or 21."
  }
}

variable "plan_sku" {
  description = "Y1: Consumption, scales to zero, pay per execution. EP1-EP3: Elastic Premium, pre-warmed instances, no cold start, billed while idle."
  type        = string
  default     = "Y1"

  validation {
    condition     = contains(["Y1", "EP1", "EP2", "EP3"], var.plan_sku)
    error_message = "plan_sku must be Y1 (scale to zero) or EP1, EP2, EP3."
  }
}

variable "providers_config" {
  description = "The gateway's providers (the providers YAML's 'providers:' map), written to an Azure Files share mounted at /mounts/mcp and named by MCP_PROVIDERS_FILE."
  type        = any
  default     = {}
}

variable "key_vault_id" {
  description = "Key Vault holding provider credentials; the app's identity gets 'Key Vault Secrets User' on it. null: no Key Vault."
  type        = string
  default     = null
}

variable "key_vault_secrets" {
  description = "App setting name => Key Vault secret URI (versionless), resolved by App Service as a Key Vault reference; the value never enters Terraform."
  type        = map(string)
  default     = {}
}

variable "api_keys_secret_uri" {
  description = "Key Vault secret URI (versionless) holding the gateway's API keys as MCP_API_KEYS entries (tenant:sha256:<hex>,...; README, Security), set as a Key Vault reference; needs key_vault_id. null: no keys, and the gateway (MCP_AUTH=required, anonymous HTTP trigger) answers 401 with a generated key."
  type        = string
  default     = null
}

variable "extra_settings" {
  description = "More MCP_ settings for the app."
  type        = map(string)
  default     = {}
}

variable "batch_launcher" {
  description = "MCP_BATCH_LAUNCHER of the batch trigger."
  type        = string
  default     = "process"
}

variable "batch_command" {
  description = "MCP_BATCH_COMMAND of the batch trigger; empty keeps the launcher's default."
  type        = string
  default     = ""
}

variable "tags" {
  description = "Tags on every resource."
  type        = map(string)
  default     = {}
}
