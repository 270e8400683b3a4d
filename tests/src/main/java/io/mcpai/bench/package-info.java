/**
 * JMH benchmarks and load harnesses. Run by hand ({@code java -jar tests/target/benchmarks.jar});
 * results with their command and machine go to BENCHMARKS.md.
 */
package io.mcpai.bench;
