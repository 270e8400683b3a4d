package io.mcpai.app.mcp;

/**
 * The tools' JSON schemas (draft 2020-12, MCP's default). Inputs use the HTTP API's field names and
 * say what its validator checks, so a client can build a valid call from the schema alone; the
 * validator still has the last word and names the field at fault. Outputs name the fields a client
 * may rely on; the SDK checks every structured result against them.
 */
final class ToolSchemas {
  private ToolSchemas() {}

  /** The sampling parameters, as the protocol's validator bounds them (both APIs share them). */
  private static final String SAMPLING =
      """
      "temperature": {"type": "number", "minimum": 0, "maximum": 2},
      "top_p": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
      "stop": {"anyOf": [{"type": "string"},
                         {"type": "array", "items": {"type": "string"}, "maxItems": 4}]},
      "seed": {"type": "integer"}"""
          .strip();

  static final String NO_ARGUMENTS =
      """
      {"type": "object", "properties": {}, "additionalProperties": false}
      """;

  /** The gateway's protocol "1.0" request (POST /v1/generate, POST /v1/format). */
  static final String PROTOCOL_REQUEST =
      """
      {"type": "object",
       "properties": {
         "system_prompt": {"type": "string",
           "description": "Instructions for the model (LLaMA 2's <<SYS>> block)."},
         "conversation_history": {"type": "array",
           "description": "Earlier turns, oldest first, alternating user and assistant.",
           "items": {"type": "object",
             "properties": {"role": {"type": "string", "enum": ["user", "assistant"]},
                            "content": {"type": "string"}},
             "required": ["role", "content"]}},
         "user_input": {"type": "string", "description": "The new user turn the model answers."},
         "model": {"type": "string",
           "description": "A model the gateway knows (see the mcp-ai://models resources); default llama-2-7b-chat."},
         "provider": {"type": "string", "description": "Prefer this provider (see list_providers)."},
         "session_id": {"type": "string"},
         "protocol_version": {"type": "string", "enum": ["1.0"]},
         "parameters": {"type": "object",
           "properties": {
             "max_tokens": {"type": "integer", "minimum": 1,
               "description": "Tokens to generate; reserved out of the context window."},
             %1$s,
             "overflow": {"type": "string", "enum": ["error", "truncate_middle"],
               "description": "When the input alone exceeds the window: fail, or cut its middle."},
             "return_token_ids": {"type": "boolean"}}}},
       "required": ["user_input"]}
      """
          .formatted(SAMPLING);

  static final String CHAT_REQUEST =
      """
      {"type": "object",
       "properties": {
         "messages": {"type": "array", "minItems": 1,
           "description": "OpenAI chat messages; an optional leading system message, then alternating user and assistant, ending with user.",
           "items": {"type": "object",
             "properties": {"role": {"type": "string", "enum": ["system", "developer", "user", "assistant"]},
                            "content": {"type": "string"}},
             "required": ["role", "content"]}},
         "model": {"type": "string"},
         "max_tokens": {"type": "integer", "minimum": 1},
         %1$s},
       "required": ["messages"]}
      """
          .formatted(SAMPLING);

  static final String COUNT_TOKENS =
      """
      {"type": "object",
       "properties": {
         "text": {"type": "string"},
         "model": {"type": "string", "description": "Whose tokenizer counts; default llama-2-7b-chat."},
         "return_ids": {"type": "boolean", "description": "Also return the token ids."}},
       "required": ["text"]}
      """;

  static final String BATCH_REQUEST =
      """
      {"type": "object",
       "properties": {
         "v": {"type": "integer", "enum": [1]},
         "job_id": {"type": "string", "pattern": "^[A-Za-z0-9._-]{1,64}$",
           "description": "Optional; derived from input and output when absent, so a resubmission names the same job."},
         "input": {"type": "string",
           "description": "A JSON-lines file or glob (local path, s3://, gs://, azure blob): each line a custom_id plus a protocol request or an OpenAI batch line."},
         "output": {"type": "string", "description": "Directory for results.jsonl and errors.jsonl."},
         "runner": {"type": "string", "enum": ["DirectRunner", "FlinkRunner", "SparkRunner", "DataflowRunner"]},
         "options": {"type": "object",
           "description": "Extra pipeline options by name, without the leading --.",
           "additionalProperties": {"type": ["string", "number", "boolean"]}}},
       "required": ["input", "output"]}
      """;

  static final String BATCH_STATUS =
      """
      {"type": "object",
       "properties": {"job_id": {"type": "string", "pattern": "^[A-Za-z0-9._-]{1,64}$"}},
       "required": ["job_id"]}
      """;

  static final String GENERATE_RESULT =
      """
      {"type": "object",
       "properties": {
         "response": {"type": "string"},
         "context_length": {"type": "integer", "description": "Prompt tokens sent."},
         "provider": {"type": "string"},
         "model": {"type": "string"},
         "usage": {"type": "object",
           "properties": {"prompt_tokens": {"type": "integer"},
                          "completion_tokens": {"type": "integer"},
                          "total_tokens": {"type": "integer"}}},
         "dropped": {"type": "array", "items": {"type": "object"}},
         "truncated": {"type": "object"},
         "finish_reason": {"type": ["string", "null"]},
         "retries": {"type": "integer"},
         "request_id": {"type": "string"}},
       "required": ["response", "provider", "model", "usage"]}
      """;

  static final String CHAT_RESULT =
      """
      {"type": "object",
       "properties": {
         "id": {"type": "string"},
         "object": {"type": "string", "const": "chat.completion"},
         "model": {"type": "string"},
         "choices": {"type": "array", "items": {"type": "object",
           "properties": {"message": {"type": "object",
                            "properties": {"role": {"type": "string"}, "content": {"type": "string"}}},
                          "finish_reason": {"type": ["string", "null"]}}}},
         "usage": {"type": "object"}},
       "required": ["choices", "model"]}
      """;

  static final String COUNT_TOKENS_RESULT =
      """
      {"type": "object",
       "properties": {
         "model": {"type": "string"},
         "tokenizer": {"type": "string"},
         "tokens": {"type": "integer", "minimum": 0},
         "characters": {"type": "integer"},
         "context_window": {"type": "integer"},
         "token_ids": {"type": "array", "items": {"type": "integer"}}},
       "required": ["model", "tokens"]}
      """;

  static final String FORMAT_RESULT =
      """
      {"type": "object",
       "properties": {
         "messages": {"type": "array", "items": {"type": "object"},
           "description": "The kept messages: system, kept history, the (possibly cut) input."},
         "metadata": {"type": "object"},
         "prompt": {"type": "string", "description": "The exact prompt text, control tokens written out."},
         "token_ids": {"type": "array", "items": {"type": "integer"}},
         "prompt_tokens": {"type": "integer"},
         "budget": {"type": "object",
           "properties": {"window": {"type": "integer"}, "reserved_for_output": {"type": "integer"},
                          "available_for_prompt": {"type": "integer"}, "used": {"type": "integer"}}},
         "dropped": {"type": "array", "description": "History turns left out to fit, and why.",
           "items": {"type": "object",
             "properties": {"index": {"type": "integer"}, "roles": {"type": "array"},
                            "tokens": {"type": "integer"}, "reason": {"type": "string"}}}},
         "truncated": {"type": "object"}},
       "required": ["messages", "prompt", "prompt_tokens", "budget", "dropped"]}
      """;

  static final String PROVIDERS_RESULT =
      """
      {"type": "object",
       "properties": {
         "routing_mode": {"type": "string"},
         "weights_source": {"type": ["string", "null"]},
         "providers": {"type": "array", "items": {"type": "object",
           "properties": {
             "name": {"type": "string"}, "kind": {"type": "string"},
             "state": {"type": "string", "enum": ["up", "half_open", "open", "down"]},
             "breaker": {"type": "string"}, "reachable": {"type": "boolean"},
             "in_flight": {"type": "integer"}, "weight": {"type": "number"},
             "configured_weight": {"type": "number"}, "context_window": {"type": "integer"}},
           "required": ["name", "kind", "state", "weight", "context_window"]}}},
       "required": ["routing_mode", "providers"]}
      """;

  static final String BATCH_HANDLE =
      """
      {"type": "object",
       "properties": {
         "job_id": {"type": "string"},
         "launcher": {"type": "string"},
         "detail": {"type": "string"},
         "request": {"type": "object", "description": "The job's message (schema v1) as launched."}},
       "required": ["job_id", "launcher", "detail"]}
      """;

  static final String BATCH_STATUS_RESULT =
      """
      {"type": "object",
       "properties": {
         "job_id": {"type": "string"},
         "state": {"type": "string", "enum": ["running", "exited", "unknown"]},
         "exit_code": {"type": "integer"},
         "detail": {"type": "string"},
         "log_tail": {"type": "array", "items": {"type": "string"}},
         "result_lines": {"type": "integer"},
         "error_lines": {"type": "integer"}},
       "required": ["job_id", "state"]}
      """;
}
