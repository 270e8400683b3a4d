# All three clouds at once. Each cloud's gateway routes to its own cloud's endpoint with that
# cloud's identity (no keys cross clouds); the output providers_yaml lists all three endpoints for
# a gateway that holds credentials for all three (e.g. one run on your own servers).

module "aws_endpoint" {
  source = "../../modules/aws-sagemaker-endpoint"

  image_uri     = var.aws_image_uri
  instance_type = var.aws_instance_type
}

module "aws_functions" {
  source = "../../modules/aws-functions"

  jar_path                = "${path.module}/../../../functions/aws/target/mcp-functions-aws.jar"
  providers_config        = { aws = module.aws_endpoint.provider }
  sagemaker_endpoint_arns = [module.aws_endpoint.endpoint_arn]
}

module "gcp_endpoint" {
  source = "../../modules/gcp-vertex-endpoint"

  project_id = var.gcp_project_id
  region     = var.gcp_region
  image_uri  = var.gcp_image_uri
  spot       = var.gcp_spot
}

module "gcp_functions" {
  source = "../../modules/gcp-functions"

  project_id       = var.gcp_project_id
  region           = var.gcp_region
  source_zip       = "${path.module}/../../../functions/gcp/target/mcp-functions-gcp.zip"
  providers_config = { gcp = module.gcp_endpoint.provider }
}

resource "azurerm_resource_group" "mcp" {
  name     = var.azure_resource_group_name
  location = var.azure_location
}

module "azure_functions" {
  source = "../../modules/azure-functions"

  resource_group_name = azurerm_resource_group.mcp.name
  location            = azurerm_resource_group.mcp.location
  zip_path            = "${path.module}/../../../functions/azure/target/mcp-functions-azure.zip"
  providers_config    = { azure = module.azure_endpoint.provider }
}

module "azure_endpoint" {
  source = "../../modules/azure-ml-endpoint"

  resource_group_name   = azurerm_resource_group.mcp.name
  location              = azurerm_resource_group.mcp.location
  image_uri             = var.azure_image_uri
  acr_id                = var.azure_acr_id
  invoker_principal_ids = [module.azure_functions.principal_id]
}
