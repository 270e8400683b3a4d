package io.mcpai.app;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The local web runner: the function beans over HTTP on :8000. */
@SpringBootApplication
public class McpApplication {
  public static void main(String[] args) {
    SpringApplication.run(McpApplication.class, args);
  }
}
