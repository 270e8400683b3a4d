variable "name_prefix" {
  description = "Prefix of every resource name (functions, role, log groups, alarms)."
  type        = string
  default     = "mcp"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}$", var.name_prefix))
    error_message = "name_prefix must be 2-31 lowercase letters, digits or '-', starting with a letter."
  }
}

variable "jar_path" {
  description = "The shaded functions jar (functions/aws/target/mcp-functions-aws.jar), as a path Terraform can read."
  type        = string
}

variable "handler" {
  description = "Lambda handler: Spring Cloud Function's AWS adapter."
  type        = string
  default     = "org.springframework.cloud.function.adapter.aws.FunctionInvoker::handleRequest"
}

variable "runtime" {
  description = "Lambda runtime."
  type        = string
  default     = "java17"

  validation {
    condition     = contains(["java17", "java21"], var.runtime)
    error_message = "runtime must be java17 or java21 (the build targets Java 17)."
  }
}

variable "architecture" {
  description = "x86_64 or arm64 (Graviton: about 20% cheaper per GB-second)."
  type        = string
  default     = "x86_64"

  validation {
    condition     = contains(["x86_64", "arm64"], var.architecture)
    error_message = "architecture must be x86_64 or arm64."
  }
}

variable "gateway_memory_mb" {
  description = "Memory of the gateway function (CPU scales with it)."
  type        = number
  default     = 1024

  validation {
    condition     = var.gateway_memory_mb >= 512 && var.gateway_memory_mb <= 10240
    error_message = "gateway_memory_mb must be 512-10240."
  }
}

variable "gateway_timeout_s" {
  description = "Gateway function timeout; a Function URL answers for at most 900 s."
  type        = number
  default     = 120

  validation {
    condition     = var.gateway_timeout_s >= 3 && var.gateway_timeout_s <= 900
    error_message = "gateway_timeout_s must be 3-900."
  }
}

variable "snap_start" {
  description = "Lambda SnapStart for both functions: restores a snapshot of the initialised JVM, so a cold start skips Spring's start-up."
  type        = bool
  default     = true
}

variable "function_url_auth" {
  description = "AWS_IAM (callers sign with SigV4) or NONE (public: the gateway then runs with MCP_AUTH=required, its own keys guard it)."
  type        = string
  default     = "AWS_IAM"

  validation {
    condition     = contains(["AWS_IAM", "NONE"], var.function_url_auth)
    error_message = "function_url_auth must be AWS_IAM or NONE."
  }
}

variable "providers_config" {
  description = "The gateway's providers (the providers YAML's 'providers:' map), shipped as a Lambda layer file and named by MCP_PROVIDERS_FILE. Empty: MCP_MODEL_SERVICE_* from extra_env."
  type        = any
  default     = {}
}

variable "sagemaker_endpoint_arns" {
  description = "SageMaker endpoints the gateway may invoke (sagemaker:InvokeEndpoint*); credentials come from the function's role, never from keys."
  type        = list(string)
  default     = []
}

variable "secret_arns" {
  description = "Environment variable name => Secrets Manager secret ARN, for provider credentials (e.g. OPENAI_API_KEY). The role may read exactly these; the function gets <NAME>_SECRET_ARN, never the value."
  type        = map(string)
  default     = {}
}

variable "api_keys_secret_arn" {
  description = "Secrets Manager secret ARN holding the gateway's API keys (MCP_API_KEYS entries or a keys file; README, Security). The role may read it; the function gets MCP_API_KEYS_SECRET_ARN, never the value. null: no keys (the Function URL's IAM auth guards the gateway)."
  type        = string
  default     = null
}

variable "api_key_hashes" {
  description = "MCP_API_KEYS for the gateway as hashes only, comma-separated tenant:sha256:<hex> (README, Security). Hashes are not secrets, so this is a plain setting the gateway reads at start; empty: none."
  type        = string
  default     = ""
  validation {
    condition     = var.api_key_hashes == "" || alltrue([for e in split(",", var.api_key_hashes) : can(regex("^[A-Za-z0-9._-]+:sha256:[0-9a-f]{64}$", trimspace(e)))])
    error_message = "api_key_hashes: each entry must be tenant:sha256:<64 hex digits>; never a plain key."
  }
}

variable "extra_env" {
  description = "More MCP_ settings for both functions (e.g. MCP_ROUTING_MODE, MCP_MODEL_SERVICE_AWS)."
  type        = map(string)
  default     = {}
}

variable "batch_launcher" {
  description = "MCP_BATCH_LAUNCHER of the batch trigger (see io.mcpai.core.batch.BatchJobLaunchers)."
  type        = string
  default     = "process"
}

variable "batch_command" {
  description = "MCP_BATCH_COMMAND of the batch trigger; empty keeps the launcher's default."
  type        = string
  default     = ""
}

variable "batch_timeout_s" {
  description = "Batch trigger timeout; the queue's visibility timeout is six times this, as AWS advises."
  type        = number
  default     = 300

  validation {
    condition     = var.batch_timeout_s >= 10 && var.batch_timeout_s <= 900
    error_message = "batch_timeout_s must be 10-900."
  }
}

variable "batch_size" {
  description = "Messages per batch trigger invocation; failures are reported per message (ReportBatchItemFailures)."
  type        = number
  default     = 1

  validation {
    condition     = var.batch_size >= 1 && var.batch_size <= 10
    error_message = "batch_size must be 1-10."
  }
}

variable "batch_max_concurrency" {
  description = "Most concurrent batch trigger invocations the queue may start (2-1000)."
  type        = number
  default     = 2

  validation {
    condition     = var.batch_max_concurrency >= 2 && var.batch_max_concurrency <= 1000
    error_message = "batch_max_concurrency must be 2-1000."
  }
}

variable "max_receive_count" {
  description = "Deliveries of a message before it moves to the dead-letter queue."
  type        = number
  default     = 5
}

variable "log_retention_days" {
  description = "CloudWatch Logs retention of both functions."
  type        = number
  default     = 14
}

variable "alarm_actions" {
  description = "SNS topic ARNs notified by the alarms."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags on every resource."
  type        = map(string)
  default     = {}
}
