package io.mcpai.providers;

import io.mcpai.core.provider.ProviderClient;
import io.mcpai.core.provider.ProviderClientFactory;
import io.mcpai.core.provider.ProviderConfig;
import java.util.Map;

/** Registers the cloud kinds ({@code sagemaker}, {@code vertex}, {@code azureml}) with core. */
public final class CloudProviderClients implements ProviderClientFactory {
  @Override
  public ProviderClient create(ProviderConfig config, Map<String, String> env) {
    return switch (config.kind()) {
      case ProviderConfig.SAGEMAKER -> new SageMakerClient(config);
      case ProviderConfig.VERTEX -> VertexClient.create(config);
      case ProviderConfig.AZUREML -> AzureMlClient.create(config, env, null);
      default -> null;
    };
  }
}
