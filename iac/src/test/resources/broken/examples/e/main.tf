module "lambda" {
  source = "../../modules/lambda"

  runtime = "java17"
  colour  = "blue"
}

module "nowhere" {
  source = "../../modules/absent"
}

output "gateway" {
  value = module.lambda.gateway_url
}

output "region" {
  value = "${var.region}/${local.suffix}/${data.aws_region.current.name}"
}

locals {
  jar = "${path.module}/../../../functions/aws/target/mcp-functions-aws-1.0.jar"
	tabbed = 1
  x = 1
  long_name = 2
}
