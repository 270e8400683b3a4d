variable "project_id" {
  description = "Google Cloud project."
  type        = string
}

variable "region" {
  description = "Region of the functions, the source bucket and the trigger."
  type        = string
  default     = "us-central1"

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]$", var.region))
    error_message = "region must be a Google Cloud region such as us-central1 or europe-west4."
  }
}

variable "name_prefix" {
  description = "Prefix of the functions, service accounts and bucket."
  type        = string
  default     = "mcp"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,14}$", var.name_prefix))
    error_message = "name_prefix must be 2-15 lowercase letters, digits or '-', starting with a letter (service account ids are at most 30 characters)."
  }
}

variable "source_zip" {
  description = "The functions' source zip (functions/gcp/target/mcp-functions-gcp.zip)."
  type        = string
}

variable "http_entry_point" {
  description = "Entry point of the gateway: the functions-framework HttpFunction that passes the whole request to the httpGateway bean."
  type        = string
  default     = "io.mcpai.functions.gcp.GcpHttpGateway"
}

variable "batch_entry_point" {
  description = "Entry point of the batch trigger: the CloudEventsFunction that hands the Pub/Sub message to the batchJobTrigger bean."
  type        = string
  default     = "io.mcpai.functions.gcp.GcpPubSubTrigger"
}

variable "runtime" {
  description = "Cloud Functions runtime."
  type        = string
  default     = "java17"

  validation {
    condition     = contains(["java17", "java21"], var.runtime)
    error_message = "runtime must be java17 or java21."
  }
}

variable "gateway_memory" {
  description = "Memory of the gateway (Cloud Run units: 512Mi, 1Gi, 2Gi, ...)."
  type        = string
  default     = "1Gi"
}

variable "gateway_min_instances" {
  description = "Instances kept warm; 0 scales to zero (a cold start then pays the JVM's start)."
  type        = number
  default     = 0

  validation {
    condition     = var.gateway_min_instances >= 0 && var.gateway_min_instances <= 100
    error_message = "gateway_min_instances must be 0-100."
  }
}

variable "gateway_max_instances" {
  description = "Most gateway instances."
  type        = number
  default     = 20
}

variable "allow_unauthenticated" {
  description = "Let anyone invoke the gateway (allUsers run.invoker); the gateway then runs with MCP_AUTH=required, so give api_keys_secret. false: callers need an identity token."
  type        = bool
  default     = false
}

variable "providers_config" {
  description = "The gateway's providers (the providers YAML's 'providers:' map). Stored in Secret Manager and mounted as /etc/mcp/providers.yaml, named by MCP_PROVIDERS_FILE."
  type        = any
  default     = {}
}

variable "secret_env" {
  description = "Environment variable name => Secret Manager secret id (latest version), e.g. { AZURE_ML_KEY = \"azure-ml-key\" }: Cloud Functions injects the value, Terraform never sees it."
  type        = map(string)
  default     = {}
}

variable "api_keys_secret" {
  description = "Secret Manager secret id holding the gateway's API keys file (YAML/JSON, hashed keys; README, Security). Mounted at /etc/mcp-keys/api-keys.yaml and named by MCP_API_KEYS_FILE; Terraform never sees the value. null: no keys (then only Cloud Run IAM guards the gateway)."
  type        = string
  default     = null
}

variable "extra_env" {
  description = "More MCP_ settings for both functions."
  type        = map(string)
  default     = {}
}

variable "vertex_invoker" {
  description = "Grant the functions' service account roles/aiplatform.user, to call Vertex AI endpoints of this project."
  type        = bool
  default     = true
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

variable "batch_timeout_s" {
  description = "Batch trigger timeout (an event-triggered gen2 function runs at most 540 s)."
  type        = number
  default     = 540

  validation {
    condition     = var.batch_timeout_s >= 10 && var.batch_timeout_s <= 540
    error_message = "batch_timeout_s must be 10-540 (Cloud Functions' limit for event-triggered functions)."
  }
}

variable "attach_dead_letter_policy" {
  description = "Put the dead-letter policy (mcp-batch-jobs-dlq, max_delivery_attempts) on the subscription Eventarc creates for the trigger, with gcloud at apply time (gcloud must be installed and logged in). false: set it yourself, or failed messages are dropped after Eventarc's 24 h retention."
  type        = bool
  default     = true
}

variable "max_delivery_attempts" {
  description = "Deliveries of a message before it goes to mcp-batch-jobs-dlq (5-100)."
  type        = number
  default     = 5

  validation {
    condition     = var.max_delivery_attempts >= 5 && var.max_delivery_attempts <= 100
    error_message = "max_delivery_attempts must be 5-100 (Pub/Sub's range)."
  }
}

variable "labels" {
  description = "Labels on every resource that takes them."
  type        = map(string)
  default     = {}
}
