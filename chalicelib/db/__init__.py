"""The one data layer. Importing any part of it installs the department credentials
(`credentials.install`): every botocore client made afterwards signs a dcxo's DynamoDB and S3
calls with that department's role session."""
from chalicelib.db import credentials as _credentials

_credentials.install()
