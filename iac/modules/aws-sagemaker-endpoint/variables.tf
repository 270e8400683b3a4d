variable "name" {
  description = "Endpoint (and model) name; the gateway's providers name it as endpoint_name."
  type        = string
  default     = "mcp-llama-2-7b-chat"

  validation {
    condition     = can(regex("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$", var.name))
    error_message = "name must be 1-63 letters, digits or '-' (SageMaker's endpoint name rule)."
  }
}

variable "image_uri" {
  description = "ECR image built from inference-endpoint/Dockerfile (ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO:TAG)."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}\\.dkr\\.ecr\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?/[^:@]+[:@].+$", var.image_uri))
    error_message = "image_uri must be an ECR image with a tag or digest: SageMaker pulls only from ECR."
  }
}

variable "model_data_url" {
  description = "S3 URL of model.tar.gz (a Hugging Face LLaMA 2 directory); SageMaker unpacks it into /opt/ml/model, where the endpoint finds it. null: the model baked into the image, or the embedded tiny one."
  type        = string
  default     = null
}

variable "instance_type" {
  description = "GPU instance type of the production variant."
  type        = string
  default     = "ml.g5.2xlarge"

  validation {
    condition     = can(regex("^ml\\.(g4dn|g5|g6|g6e|p3|p4d|p4de|p5|p5e)\\.[0-9]*x?large$", var.instance_type))
    error_message = "instance_type must be a SageMaker GPU instance (ml.g4dn, g5, g6, g6e, p3, p4d, p4de, p5, p5e)."
  }
}

variable "min_instances" {
  description = "Fewest instances autoscaling keeps. SageMaker real-time variants cannot go below 1 (scale to zero needs inference components, which the AWS provider lacks); destroy the module to stop paying."
  type        = number
  default     = 1

  validation {
    condition     = var.min_instances >= 1
    error_message = "min_instances must be at least 1 for a real-time endpoint variant."
  }
}

variable "max_instances" {
  description = "Most instances autoscaling may start."
  type        = number
  default     = 2

  validation {
    condition     = var.max_instances >= 1 && var.max_instances <= 20
    error_message = "max_instances must be 1-20."
  }
}

variable "invocations_per_instance" {
  description = "Target of SageMakerVariantInvocationsPerInstance (per minute) that autoscaling tracks."
  type        = number
  default     = 60
}

variable "container_env" {
  description = "Extra MCP_ settings of the endpoint container (MCP_MAX_BATCH_SIZE, MCP_MAX_QUEUE, MCP_DTYPE, ...)."
  type        = map(string)
  default     = {}
}

variable "context_window" {
  description = "The model's context window, published in the provider entry for the gateway."
  type        = number
  default     = 4096
}

variable "latency_alarm_ms" {
  description = "ModelLatency (average over 5 minutes) that raises the latency alarm."
  type        = number
  default     = 30000
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
