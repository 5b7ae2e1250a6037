from luoshi.cli.main import app

app()
