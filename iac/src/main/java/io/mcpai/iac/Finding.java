package io.mcpai.iac;

/**
 * One problem the check found.
 *
 * @param file the .tf (or other) file, relative to the checked tree
 * @param block the block it sits in, as Terraform writes it: {@code resource "aws_sqs_queue"
 *     "jobs"}, {@code module "aws"}, {@code output "gateway_url"}
 * @param reference what is wrong: the reference, input or value ({@code var.region}, {@code
 *     module.aws.url}, {@code handler = "x"})
 * @param reason why it is wrong
 */
public record Finding(String file, String block, String reference, String reason) {
  @Override
  public String toString() {
    return file + ": " + block + ": " + reference + ": " + reason;
  }
}
