# Our endpoint container as an Azure ML managed online endpoint and deployment. azurerm has no
# online-endpoint resource, so the endpoint, the environment (our image with its routes) and the
# deployment are ARM resources written through azapi_resource; the workspace and its
# dependencies come from azurerm.

data "azurerm_client_config" "current" {}

resource "random_string" "suffix" {
  length  = 6
  upper   = false
  special = false
}

resource "azurerm_log_analytics_workspace" "ml" {
  name                = "${var.name_prefix}-ml-logs"
  resource_group_name = var.resource_group_name
  location            = var.location
  sku                 = "PerGB2018"
  retention_in_days   = 30
  tags                = var.tags
}

resource "azurerm_application_insights" "ml" {
  name                = "${var.name_prefix}-ml-insights"
  resource_group_name = var.resource_group_name
  location            = var.location
  workspace_id        = azurerm_log_analytics_workspace.ml.id
  application_type    = "web"
  tags                = var.tags
}

resource "azurerm_key_vault" "ml" {
  name                     = "${var.name_prefix}mlkv${random_string.suffix.result}"
  resource_group_name      = var.resource_group_name
  location                 = var.location
  tenant_id                = data.azurerm_client_config.current.tenant_id
  sku_name                 = "standard"
  purge_protection_enabled = true
  tags                     = var.tags
}

resource "azurerm_storage_account" "ml" {
  name                            = "${var.name_prefix}ml${random_string.suffix.result}"
  resource_group_name             = var.resource_group_name
  location                        = var.location
  account_tier                    = "Standard"
  account_replication_type        = "LRS"
  min_tls_version                 = "TLS1_2"
  allow_nested_items_to_be_public = false
  tags                            = var.tags
}

resource "azurerm_machine_learning_workspace" "ml" {
  name                    = "${var.name_prefix}-ml-${random_string.suffix.result}"
  resource_group_name     = var.resource_group_name
  location                = var.location
  application_insights_id = azurerm_application_insights.ml.id
  key_vault_id            = azurerm_key_vault.ml.id
  storage_account_id      = azurerm_storage_account.ml.id
  tags                    = var.tags

  identity {
    type = "SystemAssigned"
  }
}

resource "azapi_resource" "endpoint" {
  type      = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints@2024-04-01"
  name      = var.endpoint_name
  parent_id = azurerm_machine_learning_workspace.ml.id
  location  = var.location
  tags      = var.tags

  identity {
    type = "SystemAssigned"
  }

  body = {
    properties = {
      authMode            = var.auth_mode
      publicNetworkAccess = "Enabled"
    }
  }

  response_export_values = ["properties.scoringUri"]
}

resource "azapi_resource" "environment" {
  type      = "Microsoft.MachineLearningServices/workspaces/environments@2024-04-01"
  name      = "mcp-inference-endpoint"
  parent_id = azurerm_machine_learning_workspace.ml.id

  body = {
    properties = {
      description = "mcp-ai-service inference endpoint (inference-endpoint/Dockerfile)"
    }
  }
}

# Our image and its routes: Azure ML probes /ping and forwards scoring calls to /invocations.
resource "azapi_resource" "environment_version" {
  type      = "Microsoft.MachineLearningServices/workspaces/environments/versions@2024-04-01"
  name      = substr(sha1(var.image_uri), 0, 12)
  parent_id = azapi_resource.environment.id

  body = {
    properties = {
      image  = var.image_uri
      osType = "Linux"
      inferenceConfig = {
        livenessRoute  = { path = "/ping", port = 8080 }
        readinessRoute = { path = "/ping", port = 8080 }
        scoringRoute   = { path = "/invocations", port = 8080 }
      }
    }
  }
}

resource "azapi_resource" "deployment" {
  type      = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments@2024-04-01"
  name      = var.deployment_name
  parent_id = azapi_resource.endpoint.id
  location  = var.location
  tags      = var.tags

  body = {
    kind = "Managed"
    sku = {
      name     = "Default"
      capacity = var.instance_count
    }
    properties = {
      endpointComputeType  = "Managed"
      instanceType         = var.instance_type
      environmentId        = azapi_resource.environment_version.id
      environmentVariables = merge({ MCP_DEVICE = "auto" }, var.container_env)
      appInsightsEnabled   = true
      scaleSettings        = { scaleType = "Default" }
      requestSettings = {
        requestTimeout                   = "PT90S"
        maxConcurrentRequestsPerInstance = 16
      }
      # Loading 7B weights takes minutes: probe late and tolerate a slow start.
      livenessProbe = {
        initialDelay     = "PT10M"
        period           = "PT10S"
        timeout          = "PT2S"
        failureThreshold = 30
        successThreshold = 1
      }
      readinessProbe = {
        initialDelay     = "PT1M"
        period           = "PT10S"
        timeout          = "PT2S"
        failureThreshold = 60
        successThreshold = 1
      }
    }
  }

  depends_on = [azurerm_role_assignment.acr_pull]

  timeouts {
    create = "90m"
    update = "90m"
  }
}

# All traffic to our deployment (the gateway also names it in azureml-model-deployment).
resource "azapi_update_resource" "traffic" {
  type        = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints@2024-04-01"
  resource_id = azapi_resource.endpoint.id

  body = {
    properties = {
      traffic = { (var.deployment_name) = 100 }
    }
  }

  depends_on = [azapi_resource.deployment]
}

# The endpoint pulls our image with its own identity.
resource "azurerm_role_assignment" "acr_pull" {
  count                = var.acr_id == null ? 0 : 1
  scope                = var.acr_id
  role_definition_name = "AcrPull"
  principal_id         = azapi_resource.endpoint.identity[0].principal_id
}

resource "azurerm_role_assignment" "invokers" {
  count                = length(var.invoker_principal_ids)
  scope                = azapi_resource.endpoint.id
  role_definition_name = "AzureML Data Scientist"
  principal_id         = var.invoker_principal_ids[count.index]
}
