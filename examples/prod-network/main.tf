# Production network for the storefront: one VPC, public and private subnets,
# and the security groups in front of the web tier and the database.

terraform {
  required_version = ">= 1.5"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.60"
    }
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      Team = "platform"
    }
  }
}

resource "aws_vpc" "main" {
  cidr_block           = "10.20.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true

  tags = {
    Name        = "prod-main"
    Environment = "prod"
  }
}

resource "aws_subnet" "public" {
  count = 2

  vpc_id                  = aws_vpc.main.id
  cidr_block              = cidrsubnet(aws_vpc.main.cidr_block, 8, count.index)
  availability_zone       = local.azs[count.index]
  map_public_ip_on_launch = true

  tags = {
    Name = "prod-public-${count.index}"
    Tier = "public"
  }
}

# The web tier: HTTPS from anywhere, SSH only from the office VPN range.
resource "aws_security_group" "web" {
  name        = "prod-web"
  description = "Web tier"
  vpc_id      = aws_vpc.main.id

  ingress {
    description = "HTTPS"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  ingress {
    description = "SSH from office VPN"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = [var.office_cidr]
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }

  tags = {
    Name    = "prod-web"
    Service = "storefront"
  }
}

resource "aws_db_instance" "orders" {
  identifier          = "prod-orders"
  engine              = "postgres"
  engine_version      = "16.3"
  instance_class      = "db.t4g.medium"
  allocated_storage   = 50
  username            = "orders"
  password            = var.db_password
  skip_final_snapshot = false

  lifecycle {
    # Storage autoscaling grows this; the code should not shrink it back.
    ignore_changes = [allocated_storage]
  }
}
