# The whole system on AWS: the endpoint on SageMaker, the gateway and the batch trigger on
# Lambda, wired by the endpoint's provider entry. Build first (repository root):
#   ./mvnw -B -pl functions/aws,inference-endpoint -am package -DskipTests
# then push the endpoint image to ECR and run `terraform init && terraform apply`.

module "endpoint" {
  source = "../../modules/aws-sagemaker-endpoint"

  image_uri      = var.image_uri
  model_data_url = var.model_data_url
  instance_type  = var.instance_type
  max_instances  = var.max_instances
  alarm_actions  = var.alarm_actions
}

module "functions" {
  source = "../../modules/aws-functions"

  jar_path                = "${path.module}/../../../functions/aws/target/mcp-functions-aws.jar"
  architecture            = var.architecture
  function_url_auth       = var.function_url_auth
  providers_config        = { aws = module.endpoint.provider }
  sagemaker_endpoint_arns = [module.endpoint.endpoint_arn]
  alarm_actions           = var.alarm_actions
  api_keys_secret_arn     = var.api_keys_secret_arn
}
