// Every test process must never probe the GCP metadata server (169.254.169.254).
process.env.METADATA_SERVER_DETECTION = 'none';
process.env.GCLOUD_PROJECT = process.env.GCLOUD_PROJECT ?? 'demo-yieldopt';
