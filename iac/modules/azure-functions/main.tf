# One Linux function app holding both functions of the package: gateway (HTTP, routes at the
# root: host.json's routePrefix is empty) and batchJobTrigger (queue mcp-batch-jobs on the
# AzureWebJobsStorage account; after five failed dequeues the host moves a message to
# mcp-batch-jobs-poison).

resource "random_string" "suffix" {
  length  = 6
  upper   = false
  special = false
}

locals {
  has_config = length(var.providers_config) > 0
  settings = merge(
    {
      MCP_REQUEST_LOG    = "off"
      MCP_PROVIDERS_FILE = local.has_config ? "/mounts/mcp/providers.yaml" : ""
      MCP_BATCH_LAUNCHER = var.batch_launcher
      MCP_BATCH_COMMAND  = var.batch_command
      MCP_BATCH_LOG_DIR  = "/tmp/mcp-batch"
      # DefaultAzureCredential picks this identity (Azure ML with auth: entra, Key Vault).
      AZURE_CLIENT_ID = azurerm_user_assigned_identity.app.client_id
      # The package is read from blob storage with the app's identity: no SAS in state.
      WEBSITE_RUN_FROM_PACKAGE                     = azurerm_storage_blob.package.url
      WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID = azurerm_user_assigned_identity.app.id
    },
    { for name, uri in var.key_vault_secrets : name => "@Microsoft.KeyVault(SecretUri=${uri})" },
    # The gateway's API keys (MCP_API_KEYS entries), a Key Vault reference like the credentials.
    var.api_keys_secret_uri == null ? {} : { MCP_API_KEYS = "@Microsoft.KeyVault(SecretUri=${var.api_keys_secret_uri})" },
    # The HTTP trigger is anonymous and a function binds no socket, yet the gateway decides on
    # auth from MCP_BIND_ADDRESS (default 127.0.0.1: off without keys): fail closed instead.
    { MCP_AUTH = "required" },
    var.extra_settings,
  )
}

resource "azurerm_storage_account" "functions" {
  name                            = "${var.name_prefix}fn${random_string.suffix.result}"
  resource_group_name             = var.resource_group_name
  location                        = var.location
  account_tier                    = "Standard"
  account_replication_type        = "LRS"
  min_tls_version                 = "TLS1_2"
  allow_nested_items_to_be_public = false
  tags                            = var.tags
}

resource "azurerm_storage_queue" "jobs" {
  name                 = "mcp-batch-jobs"
  storage_account_name = azurerm_storage_account.functions.name
}

resource "azurerm_storage_queue" "poison" {
  name                 = "mcp-batch-jobs-poison"
  storage_account_name = azurerm_storage_account.functions.name
}

resource "azurerm_storage_container" "packages" {
  name                  = "function-packages"
  storage_account_id    = azurerm_storage_account.functions.id
  container_access_type = "private"
}

# Named by content, so a new build changes WEBSITE_RUN_FROM_PACKAGE and the app restarts on it.
resource "azurerm_storage_blob" "package" {
  name                   = "mcp-functions-azure-${filemd5(var.zip_path)}.zip"
  storage_account_name   = azurerm_storage_account.functions.name
  storage_container_name = azurerm_storage_container.packages.name
  type                   = "Block"
  source                 = var.zip_path
}

resource "azurerm_user_assigned_identity" "app" {
  name                = "${var.name_prefix}-functions"
  resource_group_name = var.resource_group_name
  location            = var.location
  tags                = var.tags
}

resource "azurerm_role_assignment" "package_reader" {
  scope                = azurerm_storage_container.packages.id
  role_definition_name = "Storage Blob Data Reader"
  principal_id         = azurerm_user_assigned_identity.app.principal_id
}

resource "azurerm_role_assignment" "key_vault" {
  count                = var.key_vault_id == null ? 0 : 1
  scope                = var.key_vault_id
  role_definition_name = "Key Vault Secrets User"
  principal_id         = azurerm_user_assigned_identity.app.principal_id
}

# The providers file, on a share the app mounts (App Service has no other way to place a file).
resource "azurerm_storage_share" "config" {
  count              = local.has_config ? 1 : 0
  name               = "mcp-config"
  storage_account_id = azurerm_storage_account.functions.id
  quota              = 1
}

resource "local_file" "providers" {
  count    = local.has_config ? 1 : 0
  filename = "${path.root}/.terraform/mcp-azure-providers.yaml"
  content  = yamlencode({ providers = var.providers_config })
}

resource "azurerm_storage_share_file" "providers" {
  count            = local.has_config ? 1 : 0
  name             = "providers.yaml"
  storage_share_id = azurerm_storage_share.config[0].id
  source           = abspath(local_file.providers[0].filename)
  content_md5      = md5(local_file.providers[0].content)
}

resource "azurerm_service_plan" "functions" {
  name                = "${var.name_prefix}-functions"
  resource_group_name = var.resource_group_name
  location            = var.location
  os_type             = "Linux"
  sku_name            = var.plan_sku
  tags                = var.tags
}

resource "azurerm_linux_function_app" "functions" {
  name                            = "${var.name_prefix}-functions-${random_string.suffix.result}"
  resource_group_name             = var.resource_group_name
  location                        = var.location
  service_plan_id                 = azurerm_service_plan.functions.id
  storage_account_name            = azurerm_storage_account.functions.name
  storage_account_access_key      = azurerm_storage_account.functions.primary_access_key
  https_only                      = true
  functions_extension_version     = "~4"
  key_vault_reference_identity_id = azurerm_user_assigned_identity.app.id
  # Spring Cloud Function's instance injector starts this application (also in the manifest).
  app_settings = merge(local.settings, { MAIN_CLASS = "io.mcpai.functions.azure.AzureFunctions" })
  tags         = var.tags

  identity {
    type         = "UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.app.id]
  }

  site_config {
    application_stack {
      java_version = var.java_version
    }
  }

  dynamic "storage_account" {
    for_each = local.has_config ? [1] : []
    content {
      name         = "mcp-config"
      type         = "AzureFiles"
      account_name = azurerm_storage_account.functions.name
      access_key   = azurerm_storage_account.functions.primary_access_key
      share_name   = azurerm_storage_share.config[0].name
      mount_path   = "/mounts/mcp"
    }
  }

  lifecycle {
    precondition {
      condition     = var.api_keys_secret_uri == null || var.key_vault_id != null
      error_message = "api_keys_secret_uri needs key_vault_id: the app's identity must be allowed to read the vault."
    }
  }

  depends_on = [azurerm_role_assignment.package_reader, azurerm_storage_share_file.providers]
}
