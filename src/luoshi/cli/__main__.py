from luoshi.cli.main import app

if __name__ == "__main__":  # not when a Dask worker process imports it
    app()
