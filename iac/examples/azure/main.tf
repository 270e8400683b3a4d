# The whole system on Azure: the endpoint on Azure ML, the gateway and the batch trigger in a
# function app, wired by the endpoint's provider entry and an Entra ID role (no keys). Build:
#   ./mvnw -B -pl functions/azure,inference-endpoint -am package -DskipTests
# then push the endpoint image to ACR and run `terraform init && terraform apply`.

resource "azurerm_resource_group" "mcp" {
  name     = var.resource_group_name
  location = var.location
}

module "functions" {
  source = "../../modules/azure-functions"

  resource_group_name = azurerm_resource_group.mcp.name
  location            = azurerm_resource_group.mcp.location
  zip_path            = "${path.module}/../../../functions/azure/target/mcp-functions-azure.zip"
  plan_sku            = var.plan_sku
  key_vault_id        = var.key_vault_id
  key_vault_secrets   = var.key_vault_secrets
  providers_config    = { azure = module.endpoint.provider }
  api_keys_secret_uri = var.api_keys_secret_uri
}

module "endpoint" {
  source = "../../modules/azure-ml-endpoint"

  resource_group_name   = azurerm_resource_group.mcp.name
  location              = azurerm_resource_group.mcp.location
  image_uri             = var.image_uri
  acr_id                = var.acr_id
  instance_type         = var.instance_type
  invoker_principal_ids = [module.functions.principal_id]
}
