variable "jar_path" {
  type = string
}

variable "runtime" {
  type    = string
  default = "java11"
}
