package io.mcpai.app;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class McpApplication {
  public static void main(String[] args) {
    SpringApplication.run(McpApplication.class, args);
  }
}
