# Two Cloud Functions (2nd gen) from one source zip, told apart by their entry points: the gateway
# (HTTP, GcpHttpGateway) and the batch trigger (CloudEvents, GcpPubSubTrigger) fed by an Eventarc
# Pub/Sub trigger on topic mcp-batch-jobs, dead letters to mcp-batch-jobs-dlq. Credentials: the
# service account's roles, and Secret Manager.

data "google_project" "this" {
  project_id = var.project_id
}

locals {
  has_config = length(var.providers_config) > 0
  has_keys   = var.api_keys_secret != null
  pubsub_sa  = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com"
  # Both entry points find their beans by name: no FUNCTION_NAME or MAIN_CLASS to set.
  common_env = merge(
    {
      MCP_REQUEST_LOG    = "off"
      MCP_PROVIDERS_FILE = local.has_config ? "/etc/mcp/providers.yaml" : ""
      MCP_API_KEYS_FILE  = local.has_keys ? "/etc/mcp-keys/api-keys.yaml" : ""
    },
    var.extra_env,
  )
  # A function binds no socket, yet the gateway decides on auth from MCP_BIND_ADDRESS (default
  # 127.0.0.1: off without keys). Public gateway: fail closed, keys or a 401.
  gateway_env = { MCP_AUTH = var.allow_unauthenticated ? "required" : "auto" }
  # Secret volumes (one secret per mount path): the providers file and the API keys file.
  secret_files = merge(
    local.has_config ? { "/etc/mcp" = { secret = google_secret_manager_secret.providers[0].secret_id, path = "providers.yaml" } } : {},
    local.has_keys ? { "/etc/mcp-keys" = { secret = var.api_keys_secret, path = "api-keys.yaml" } } : {},
  )
  services = [
    "cloudfunctions.googleapis.com",
    "run.googleapis.com",
    "cloudbuild.googleapis.com",
    "artifactregistry.googleapis.com",
    "pubsub.googleapis.com",
    "secretmanager.googleapis.com",
    "eventarc.googleapis.com",
  ]
}

resource "google_project_service" "apis" {
  for_each           = toset(local.services)
  project            = var.project_id
  service            = each.value
  disable_on_destroy = false
}

resource "google_service_account" "functions" {
  project      = var.project_id
  account_id   = "${var.name_prefix}-functions"
  display_name = "mcp-ai-service functions"
}

resource "google_project_iam_member" "vertex_user" {
  count   = var.vertex_invoker ? 1 : 0
  project = var.project_id
  role    = "roles/aiplatform.user"
  member  = "serviceAccount:${google_service_account.functions.email}"
}

# Cloud Build runs the functions' build as this account (new projects no longer give the default
# compute account the rights to).
resource "google_service_account" "build" {
  project      = var.project_id
  account_id   = "${var.name_prefix}-fn-build"
  display_name = "mcp-ai-service functions build"
}

resource "google_project_iam_member" "build" {
  for_each = toset(["roles/cloudbuild.builds.builder", "roles/logging.logWriter"])
  project  = var.project_id
  role     = each.value
  member   = "serviceAccount:${google_service_account.build.email}"
}

resource "google_storage_bucket" "source" {
  project                     = var.project_id
  name                        = "${var.project_id}-${var.name_prefix}-fn-src"
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = true
  labels                      = var.labels
}

# Named by content, so a new build redeploys the functions.
resource "google_storage_bucket_object" "source" {
  name   = "mcp-functions-gcp-${filemd5(var.source_zip)}.zip"
  bucket = google_storage_bucket.source.name
  source = var.source_zip
}

# The providers file is not secret, but a secret volume is how Cloud Functions mounts a file.
resource "google_secret_manager_secret" "providers" {
  count     = local.has_config ? 1 : 0
  project   = var.project_id
  secret_id = "${var.name_prefix}-providers-yaml"
  labels    = var.labels

  replication {
    auto {}
  }

  depends_on = [google_project_service.apis]
}

resource "google_secret_manager_secret_version" "providers" {
  count       = local.has_config ? 1 : 0
  secret      = google_secret_manager_secret.providers[0].id
  secret_data = yamlencode({ providers = var.providers_config })
}

resource "google_secret_manager_secret_iam_member" "providers" {
  count     = local.has_config ? 1 : 0
  project   = var.project_id
  secret_id = google_secret_manager_secret.providers[0].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.functions.email}"
}

resource "google_secret_manager_secret_iam_member" "api_keys" {
  count     = local.has_keys ? 1 : 0
  project   = var.project_id
  secret_id = var.api_keys_secret
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.functions.email}"
}

resource "google_secret_manager_secret_iam_member" "env" {
  for_each  = var.secret_env
  project   = var.project_id
  secret_id = each.value
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.functions.email}"
}

resource "google_cloudfunctions2_function" "gateway" {
  project  = var.project_id
  name     = "${var.name_prefix}-gateway"
  location = var.region
  labels   = var.labels

  build_config {
    runtime         = var.runtime
    entry_point     = var.http_entry_point
    service_account = google_service_account.build.id
    source {
      storage_source {
        bucket = google_storage_bucket.source.name
        object = google_storage_bucket_object.source.name
      }
    }
  }

  service_config {
    available_memory                 = var.gateway_memory
    timeout_seconds                  = 300
    min_instance_count               = var.gateway_min_instances
    max_instance_count               = var.gateway_max_instances
    max_instance_request_concurrency = 80
    available_cpu                    = "1"
    ingress_settings                 = "ALLOW_ALL"
    service_account_email            = google_service_account.functions.email
    environment_variables            = { for k, v in merge(local.common_env, local.gateway_env) : k => v if v != "" }

    dynamic "secret_environment_variables" {
      for_each = var.secret_env
      content {
        key        = secret_environment_variables.key
        project_id = var.project_id
        secret     = secret_environment_variables.value
        version    = "latest"
      }
    }

    dynamic "secret_volumes" {
      for_each = local.secret_files
      content {
        mount_path = secret_volumes.key
        project_id = var.project_id
        secret     = secret_volumes.value.secret
        versions {
          version = "latest"
          path    = secret_volumes.value.path
        }
      }
    }
  }

  depends_on = [
    google_project_service.apis,
    google_project_iam_member.build,
    google_secret_manager_secret_iam_member.providers,
    google_secret_manager_secret_iam_member.api_keys,
    google_secret_manager_secret_iam_member.env,
  ]
}

resource "google_cloud_run_v2_service_iam_member" "gateway_public" {
  count    = var.allow_unauthenticated ? 1 : 0
  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.gateway.name
  role     = "roles/run.invoker"
  member   = "allUsers"
}

resource "google_cloudfunctions2_function" "batch_trigger" {
  project  = var.project_id
  name     = "${var.name_prefix}-batch-trigger"
  location = var.region
  labels   = var.labels

  build_config {
    runtime         = var.runtime
    entry_point     = var.batch_entry_point
    service_account = google_service_account.build.id
    source {
      storage_source {
        bucket = google_storage_bucket.source.name
        object = google_storage_bucket_object.source.name
      }
    }
  }

  service_config {
    available_memory      = "1Gi"
    timeout_seconds       = var.batch_timeout_s
    min_instance_count    = 0
    max_instance_count    = 10
    ingress_settings      = "ALLOW_INTERNAL_ONLY"
    service_account_email = google_service_account.functions.email
    environment_variables = { for k, v in merge(local.common_env, {
      MCP_BATCH_LAUNCHER = var.batch_launcher
      MCP_BATCH_COMMAND  = var.batch_command
      MCP_BATCH_LOG_DIR  = "/tmp/mcp-batch"
    }) : k => v if v != "" }

    dynamic "secret_environment_variables" {
      for_each = var.secret_env
      content {
        key        = secret_environment_variables.key
        project_id = var.project_id
        secret     = secret_environment_variables.value
        version    = "latest"
      }
    }

    dynamic "secret_volumes" {
      for_each = local.secret_files
      content {
        mount_path = secret_volumes.key
        project_id = var.project_id
        secret     = secret_volumes.value.secret
        versions {
          version = "latest"
          path    = secret_volumes.value.path
        }
      }
    }
  }

  # The event trigger makes this a CloudEvents function (gen2 deploys it with that signature) and
  # has Eventarc deliver each message as a CloudEvent, redelivered while the function fails.
  event_trigger {
    trigger_region        = var.region
    event_type            = "google.cloud.pubsub.topic.v1.messagePublished"
    pubsub_topic          = google_pubsub_topic.jobs.id
    retry_policy          = "RETRY_POLICY_RETRY"
    service_account_email = google_service_account.invoker.email
  }

  depends_on = [
    google_project_service.apis,
    google_project_iam_member.build,
    google_secret_manager_secret_iam_member.providers,
    google_secret_manager_secret_iam_member.api_keys,
    google_secret_manager_secret_iam_member.env,
  ]
}

resource "google_pubsub_topic" "jobs" {
  project                    = var.project_id
  name                       = "mcp-batch-jobs"
  labels                     = var.labels
  message_retention_duration = "604800s"
  depends_on                 = [google_project_service.apis]
}

resource "google_pubsub_topic" "dlq" {
  project    = var.project_id
  name       = "mcp-batch-jobs-dlq"
  labels     = var.labels
  depends_on = [google_project_service.apis]
}

# Keeps dead letters readable: a topic alone drops messages nobody subscribes to.
resource "google_pubsub_subscription" "dlq" {
  project                    = var.project_id
  name                       = "mcp-batch-jobs-dlq-sub"
  topic                      = google_pubsub_topic.dlq.id
  message_retention_duration = "604800s"
  labels                     = var.labels
}

# Eventarc calls the batch function as this account.
resource "google_service_account" "invoker" {
  project      = var.project_id
  account_id   = "${var.name_prefix}-batch-invoker"
  display_name = "mcp-ai-service batch trigger invoker"
}

resource "google_cloud_run_v2_service_iam_member" "batch_invoker" {
  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.batch_trigger.name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.invoker.email}"
}

# What Cloud Functions asks of an event trigger's service account.
resource "google_project_iam_member" "invoker_event_receiver" {
  project = var.project_id
  role    = "roles/eventarc.eventReceiver"
  member  = "serviceAccount:${google_service_account.invoker.email}"
}

# Eventarc pushes with an OIDC token: the Pub/Sub agent mints tokens for the invoker account.
resource "google_service_account_iam_member" "pubsub_token_creator" {
  service_account_id = google_service_account.invoker.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = local.pubsub_sa
}

# Pub/Sub's own service agent moves dead letters: it must publish to the DLQ topic (and
# acknowledge on the source subscription, granted below with the policy).
resource "google_pubsub_topic_iam_member" "dlq_publisher" {
  project = var.project_id
  topic   = google_pubsub_topic.dlq.name
  role    = "roles/pubsub.publisher"
  member  = local.pubsub_sa
}

# Eventarc creates and owns the trigger's subscription (eventarc-REGION-...); neither the function
# nor google_eventarc_trigger can give it a dead-letter policy, and a push subscription of our own
# would reach an HTTP-signature deployment that GcpPubSubTrigger cannot serve. So the policy is put
# on Eventarc's subscription once it exists, with gcloud, and again whenever the trigger, the DLQ
# or the attempt count changes (Eventarc leaves a subscription's dead-letter policy alone).
resource "terraform_data" "batch_dead_letter" {
  count = var.attach_dead_letter_policy ? 1 : 0

  triggers_replace = [
    google_cloudfunctions2_function.batch_trigger.event_trigger[0].trigger,
    google_pubsub_topic.dlq.id,
    var.max_delivery_attempts,
  ]

  provisioner "local-exec" {
    interpreter = ["/bin/bash", "-c"]
    command     = <<-EOT
      set -euo pipefail
      sub=$(gcloud eventarc triggers describe "$TRIGGER" --project "$PROJECT" \
        --format='value(transport.pubsub.subscription)')
      test -n "$sub"
      gcloud pubsub subscriptions update "$sub" --project "$PROJECT" \
        --dead-letter-topic="$DLQ" --max-delivery-attempts="$ATTEMPTS"
      gcloud pubsub subscriptions add-iam-policy-binding "$sub" --project "$PROJECT" \
        --member="$PUBSUB_AGENT" --role=roles/pubsub.subscriber >/dev/null
    EOT
    environment = {
      PROJECT      = var.project_id
      TRIGGER      = google_cloudfunctions2_function.batch_trigger.event_trigger[0].trigger
      DLQ          = google_pubsub_topic.dlq.id
      ATTEMPTS     = var.max_delivery_attempts
      PUBSUB_AGENT = local.pubsub_sa
    }
  }

  depends_on = [google_pubsub_topic_iam_member.dlq_publisher]
}
