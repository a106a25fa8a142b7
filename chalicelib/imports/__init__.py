"""Imports of any size: jobs (S3 upload, SQS, workers) over the synchronous import's code."""
