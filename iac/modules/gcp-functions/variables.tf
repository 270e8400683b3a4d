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

variable "entry_point" {
  description = "Entry point: Spring Cloud Function's GCP adapter."
  type        = string
  default     = "org.springframework.cloud.function.adapter.gcp.GcfJarLauncher"
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
  description = "Let anyone invoke the gateway (allUsers run.invoker). false: callers need an identity token."
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

variable "batch_delivery" {
  description = "push: the subscription mcp-batch-jobs-sub pushes to the batch function, with the dead-letter topic mcp-batch-jobs-dlq; eventarc: a Pub/Sub event trigger (Eventarc owns its subscription, so dead-lettering is set outside Terraform)."
  type        = string
  default     = "push"

  validation {
    condition     = contains(["push", "eventarc"], var.batch_delivery)
    error_message = "batch_delivery must be push or eventarc."
  }
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
  description = "Batch trigger timeout (an HTTP-triggered gen2 function may run 3600 s, an event-triggered one 540 s)."
  type        = number
  default     = 540
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
