variable "region" {
  description = "AWS region of every resource."
  type        = string
  default     = "us-east-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must be an AWS region such as us-east-1 or eu-west-1."
  }
}

variable "image_uri" {
  description = "ECR image of inference-endpoint/Dockerfile (ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO:TAG)."
  type        = string
}

variable "model_data_url" {
  description = "S3 URL of the model's model.tar.gz; null: the model in the image, or the embedded tiny one."
  type        = string
  default     = null
}

variable "instance_type" {
  description = "SageMaker GPU instance type."
  type        = string
  default     = "ml.g5.2xlarge"
}

variable "max_instances" {
  description = "Most endpoint instances autoscaling may start."
  type        = number
  default     = 2
}

variable "architecture" {
  description = "Lambda architecture: x86_64, or arm64 (cheaper)."
  type        = string
  default     = "x86_64"
}

variable "function_url_auth" {
  description = "AWS_IAM or NONE for the gateway's Function URL."
  type        = string
  default     = "AWS_IAM"
}

variable "alarm_actions" {
  description = "SNS topics for the alarms."
  type        = list(string)
  default     = []
}

variable "api_keys_secret_arn" {
  description = "Secrets Manager secret ARN of the gateway's API keys (module aws-functions). null: none; the Function URL's IAM auth guards the gateway."
  type        = string
  default     = null
}
