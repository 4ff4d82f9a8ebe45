variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "office_cidr" {
  description = "Office VPN egress range allowed to SSH into the web tier"
  type        = string
  default     = "198.51.100.0/24"
}

variable "db_password" {
  type      = string
  sensitive = true
}

locals {
  azs = ["eu-west-1a", "eu-west-1b"]
}
