package io.mcpai.inference.generate;

/** Why a generation ended, spelled as TGI/LMI report it. */
public enum FinishReason {
  LENGTH("length"),
  EOS_TOKEN("eos_token"),
  STOP_SEQUENCE("stop_sequence"),
  CANCELLED("cancelled");

  public final String wire;

  FinishReason(String wire) {
    this.wire = wire;
  }
}
