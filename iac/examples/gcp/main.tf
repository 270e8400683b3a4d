# The whole system on Google Cloud: the endpoint on Vertex AI, the gateway and the batch trigger
# on Cloud Functions (2nd gen), wired by the endpoint's provider entry. Build first:
#   ./mvnw -B -pl functions/gcp,inference-endpoint -am package -DskipTests
# then push the endpoint image to Artifact Registry and run `terraform init && terraform apply`.

module "endpoint" {
  source = "../../modules/gcp-vertex-endpoint"

  project_id       = var.project_id
  region           = var.region
  image_uri        = var.image_uri
  machine_type     = var.machine_type
  accelerator_type = var.accelerator_type
  spot             = var.spot
}

module "functions" {
  source = "../../modules/gcp-functions"

  project_id            = var.project_id
  region                = var.region
  source_zip            = "${path.module}/../../../functions/gcp/target/mcp-functions-gcp.zip"
  gateway_min_instances = var.gateway_min_instances
  allow_unauthenticated = var.allow_unauthenticated
  providers_config      = { gcp = module.endpoint.provider }
  api_keys_secret       = var.api_keys_secret
}
