from aspirasi import create_app

app = create_app()
